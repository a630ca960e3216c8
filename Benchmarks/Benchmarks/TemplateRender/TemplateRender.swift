import Benchmark
import Foundation
import StudioModel

/// Renders the shared webhook body (`../shared/bench/webhook-body.hbs` with `webhook-body.json`)
/// in JSON mode, parsed once, single-threaded: the figure compared with handlebars.js.
let benchmarks: @Sendable () -> Void = {
    let sharedBench = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/bench")
    guard
        let source = try? String(contentsOf: sharedBench.appendingPathComponent("webhook-body.hbs"), encoding: .utf8),
        let dataText = try? String(contentsOf: sharedBench.appendingPathComponent("webhook-body.json"), encoding: .utf8),
        let data = try? JSONValue.parse(dataText),
        let template = try? Template(parsing: source)
    else {
        fatalError("cannot read the shared bench inputs under \(sharedBench.path)")
    }
    let context = TemplateContext(data: data)

    Benchmark(
        "Render webhook-body.hbs (json mode)",
        configuration: .init(metrics: [.throughput, .wallClock, .mallocCountTotal], maxDuration: .seconds(3))
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? template.render(context, mode: .json))
        }
    }
}
