import Foundation

/// Reads the `id` of a workspace file and checks it against the file name.
enum IDCheck {
    /// The id, or the file name when it is missing (after an error). An id that cannot name a file
    /// (DESIGN §3: `workflows/<id>.yaml`) is an error; one that differs from the file name a warning.
    static func id(in mapping: YAMLMapping, kind: String) -> String {
        guard let id = mapping.requiredString("id") else { return mapping.file.stem }
        let stem = mapping.file.stem
        if !DefinitionSkeleton.isFileName(id) {
            mapping.file.error(
                "\(kind) id '\(id)' cannot name a file", at: mapping["id"],
                hint: "an id is letters, digits, '-', '_' and '.', not starting with a dot")
        } else if id != stem {
            let name = (mapping.file.path as NSString).lastPathComponent
            let suffix = name.dropFirst(stem.count)
            mapping.file.warning(
                "\(kind) id '\(id)' does not match the file name '\(name)'", at: mapping["id"],
                hint: "rename the file to '\(id)\(suffix)' or change the id")
        }
        return id
    }
}
