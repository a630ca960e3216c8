// swift-tools-version:6.1
import PackageDescription

// Benchmarks live in their own package so that ordo-one/benchmark and its plugin never slow
// the main build. Run: `cd Benchmarks && swift package --disable-sandbox benchmark`.
let package = Package(
    name: "HooklineBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Hookline", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        .executableTarget(
            name: "TemplateRender",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "StudioModel", package: "Hookline"),
            ],
            path: "Benchmarks/TemplateRender",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "StoreWrites",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "StudioEngine", package: "Hookline"),
                .product(name: "StudioModel", package: "Hookline"),
            ],
            path: "Benchmarks/StoreWrites",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // A plain executable for `valgrind --tool=callgrind` profiles (instruction counts, independent of load).
        .executableTarget(
            name: "TemplateProfile",
            dependencies: [.product(name: "StudioModel", package: "Hookline")],
            path: "Benchmarks/TemplateProfile"
        ),
        // The HTTP transport alone, AsyncHTTPClient or StudioEngine's DeliveryClient: compare-wrk.sh's reference rows.
        .executableTarget(
            name: "DeliveryTransport",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "StudioEngine", package: "Hookline"),
                .product(name: "StudioModel", package: "Hookline"),
            ],
            path: "Benchmarks/DeliveryTransport"
        ),
    ]
)
