import Foundation
import StudioModel

// A plain release executable for load-independent profiles of the template benchmark:
//   swift build -c release --product TemplateProfile
//   valgrind --tool=callgrind .build/release/TemplateProfile ../../shared/bench 20000
let arguments = CommandLine.arguments
let benchPath = arguments.count > 1 ? arguments[1] : "../../shared/bench"
let iterations = arguments.count > 2 ? Int(arguments[2]) ?? 20_000 : 20_000
let bench = URL(fileURLWithPath: benchPath)
guard
    let source = try? String(contentsOf: bench.appendingPathComponent("webhook-body.hbs"), encoding: .utf8),
    let dataText = try? String(contentsOf: bench.appendingPathComponent("webhook-body.json"), encoding: .utf8),
    let data = try? JSONValue.parse(dataText),
    let template = try? Template(parsing: source)
else {
    fatalError("cannot read the shared bench inputs under \(bench.path)")
}
let context = TemplateContext(data: data)
var bytes = 0
let start = ContinuousClock.now
for _ in 0..<iterations {
    bytes &+= (try? template.render(context, mode: .json))?.utf8.count ?? 0
}
let elapsed = ContinuousClock.now - start
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print("\(iterations) renders, \(bytes) bytes, \(Int(Double(iterations) / seconds)) renders/s")
