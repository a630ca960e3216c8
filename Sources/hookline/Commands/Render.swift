import ArgumentParser
import Foundation
import StudioModel

extension Hookline {
    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render a merge-parameter template with a JSON context and print the result.",
            discussion: """
                The result is written byte for byte, with no newline added. Each mode escapes what the \
                template merges as that place needs; the template's own text is written as it is. So \
                --mode form renders a whole form body whose template writes its own = and & (a webhook's \
                `type: form` fields are encoded whole, names and values, as WHATWG's serializer does: \
                hookline preview shows that).
                """)

        @Option(help: "The template file.", completion: .file())
        var template: String

        @Option(help: ArgumentHelp("A JSON file holding the object used as the context.", valueName: "file"), completion: .file())
        var data: String

        @Option(help: "Where the output lands, which decides escaping.")
        var mode: OutputMode = .html

        func run() throws {
            let source = try readInputFile(template)
            let context = JSONValue.object(try readJSONObjectFile(data))
            do {
                let parsed = try Template(parsing: source)
                let output: String
                if mode == .json {
                    output = try parsed.renderJSON(TemplateContext(data: context)).text
                } else {
                    output = try parsed.render(TemplateContext(data: context), mode: mode)
                }
                StandardOutput.write(Data(output.utf8))
            } catch {
                let diagnostic = Diagnostic(path: template, line: error.line, column: error.column, message: error.message)
                printError(diagnostic.rendered(source: source))
                throw ExitCode.badInput
            }
        }
    }
}

extension OutputMode: ExpressibleByArgument {}
