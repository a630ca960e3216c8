import ArgumentParser
import Foundation
import StudioEngine
import StudioModel

extension Hookline {
    struct Users: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage the workspace's user profiles.", subcommands: [Import.self])

        struct Import: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Import user profiles from CSV or JSON Lines, merged into existing ones by email.",
                discussion: """
                    CSV needs a header row with an email column; numbers, decimals and true/false are \
                    typed (a leading zero keeps text, e.g. zip codes), empty cells are skipped, and \
                    headers like address.city fill nested objects. JSON Lines: one object per line with \
                    an email. A field keeps the type it has in the store (or that the first row \
                    setting it gives it): a row giving it another is refused. Nothing is imported \
                    when any row is wrong; every problem is listed.
                    """)

            @OptionGroup(title: "Workspace Options") var options: WorkspaceOptions

            @Argument(help: "A .csv or .jsonl file.", completion: .file(extensions: ["csv", "tsv", "jsonl", "ndjson"]))
            var file: String

            @Option(help: "csv or jsonl; by default from the file's extension.")
            var format: String?

            @Option(help: "Also add the imported users to this static list.")
            var list: String?

            func validate() throws {
                if let list, list.trimmingCharacters(in: .whitespaces).isEmpty {
                    throw ValidationError("Please give the list's name to --list, e.g. trial.")
                }
            }

            /// Prints the file's problems, compiler style, and the exit code to stop with.
            private func refusal(_ error: UserImporter.ImportError) -> ExitCode {
                error.report(file: file).forEach(printError)
                printError("nothing imported")
                return ExitCode.badInput
            }

            func run() throws {
                guard let format = format.map({ UserImporter.Format(rawValue: $0.lowercased()) }) ?? UserImporter.Format(path: file)
                else {
                    throw ValidationError("Cannot tell the format of \(file); give --format csv or --format jsonl.")
                }
                try options.requireWorkspace()
                let text = try readInputFile(file)
                let rows: [UserImporter.Row]
                do {
                    rows = try UserImporter.rows(from: text, format: format)
                } catch {
                    throw refusal(error)
                }
                let profiles = rows.map(\.profile)
                let store = try options.openStore()
                let created: Int
                let updated: Int
                do {
                    (created, updated) = try UserImporter.merge(rows, into: store)
                } catch let error as UserImporter.ImportError {
                    throw refusal(error)
                }
                print("imported \(counted(created + updated, "user")) (\(created) new, \(updated) updated)")
                if let list {
                    let added = try store.addToList(list, emails: profiles.compactMap { $0["email"]?.stringValue })
                    print("added \(added) to list \(list) (\(profiles.count - added) were on it)")
                }
            }
        }
    }
}
