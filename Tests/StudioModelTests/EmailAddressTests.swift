import StudioModel
import Testing

/// The address a user is stored and looked up by, as Iterable stores it: lowercase.
struct EmailAddressTests {
    @Test(arguments: [
        ("myUser@example.com", "myuser@example.com"),
        ("ADA@EXAMPLE.COM", "ada@example.com"),
        ("ada@example.com", "ada@example.com"),
        ("Zoë.Ünal@Exämple.DE", "zoë.ünal@exämple.de"),
        ("Ada+Tag@Example.com", "ada+tag@example.com"),
    ])
    func theWholeAddressIsLowercased(given: String, stored: String) {
        #expect(EmailAddress.normalized(given) == stored)
    }

    @Test func normalizingTwiceChangesNothingMore() {
        let once = EmailAddress.normalized("ΣΟΦΙΑ@Example.GR")
        #expect(EmailAddress.normalized(once) == once)
    }

    @Test func aPlausibleAddressStaysPlausibleLowercased() {
        for address in ["A@B", "Ada.Lovelace@Example.COM"] {
            #expect(EmailAddress.isPlausible(EmailAddress.normalized(address)))
        }
    }
}
