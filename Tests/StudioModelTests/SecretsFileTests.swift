import StudioModel
import Testing

/// `.hookline/secrets.yaml`: a flat mapping of names to values, each taken as written; anything
/// else is refused with where, so a secret is never sent as something it was not.
struct SecretsFileTests {
    @Test func valuesAreTakenAsWrittenNotAsYAMLReadsThem() throws {
        let secrets = try SecretsFile.parse(
            "pin: 0123\nflag: yes\nratio: 1e3\nquoted: \"tok_live_51H\"\nempty: ''\nword: on\n")
        #expect(secrets == ["pin": "0123", "flag": "yes", "ratio": "1e3", "quoted": "tok_live_51H", "empty": "", "word": "on"])
    }

    /// Every entry's problem is reported, as validate reports every problem of a workspace file
    /// (QA: only the first was).
    @Test func everyProblemOfTheFileIsReported() throws {
        let error = try #require(throws: SecretsFileError.self) {
            try SecretsFile.parse("lob_key:\ncrm_token: [a, b]\nok: fine\nother: {k: v}\n")
        }
        #expect(error.diagnostics.map(\.line) == [1, 2, 4])
        #expect(error.diagnostic == error.diagnostics.first)
    }

    @Test func anEmptyFileHasNoSecrets() throws {
        #expect(try SecretsFile.parse("") == [:])
        #expect(try SecretsFile.parse("# none yet\n") == [:])
    }

    @Test(arguments: [
        ("token: [1,\n", ".hookline/secrets.yaml:2:1: error: invalid YAML: did not find expected node content"),
        ("- a\n- b\n", ".hookline/secrets.yaml:1:1: error: the secrets file must map names to values (name: value), not a list"),
        // A secret pasted without its name is not quoted back.
        ("sk_live_51Habc\n", ".hookline/secrets.yaml:1:1: error: the secrets file must map names to values (name: value), not a single value"),
        ("a: x\ncrm_token:\n", ".hookline/secrets.yaml:2:1: error: secret 'crm_token' has no value (write it after 'crm_token: ', or remove the line)"),
        ("lob_key: ~\n", ".hookline/secrets.yaml:1:1: error: secret 'lob_key' has no value (write it after 'lob_key: ', or remove the line)"),
        ("crm_token: {a: 1}\n", ".hookline/secrets.yaml:1:12: error: secret 'crm_token' must be text, not a mapping"),
        ("a: x\nb: [1, 2]\n", ".hookline/secrets.yaml:2:4: error: secret 'b' must be text, not a list"),
        ("a: x\na: y\n", ".hookline/secrets.yaml:2:1: error: duplicate key 'a' (each key may appear once in a mapping)"),
        // An empty ingest key matched an empty Api-Key header; other secrets may be empty.
        (
            "a: ''\ningest_api_key: \"\"\n",
            ".hookline/secrets.yaml:2:17: error: secret 'ingest_api_key' is empty, and an empty key would let in an empty "
                + "Api-Key header (write the key, or remove the line to take requests without one)"
        ),
    ])
    func aFileThatIsNotANameToValueMappingIsRefusedWithWhere(text: String, message: String) {
        #expect(throws: SecretsFileError.self) { try SecretsFile.parse(text) }
        do {
            _ = try SecretsFile.parse(text)
        } catch {
            #expect(error.description == message)
        }
    }
}
