import Foundation
import Testing

@testable import StudioEngine

/// `Deliverer.host(of:)` parses plain URLs without Foundation; it must agree with `URLComponents`.
struct DelivererHostTests {
    static func reference(_ url: String) -> String {
        guard let components = URLComponents(string: url), let host = components.host else { return url }
        return components.port.map { "\(host):\($0)" } ?? host
    }

    @Test(arguments: [
        "http://127.0.0.1:8080/hook", "https://api.example.com/v1/x?y=1&z=2", "http://example.com",
        "http://example.com:443", "https://hooks.example.com/in#frag", "http://Example.COM/x", "http://a@b.com/x",
        "http://[::1]:8080/x", "http://example.com:/x", "http://example.com:99999/x", "http://example.com/a b",
        "http://example.com/%41", "http:///x", "ftp://example.com/x", "not a url", "http://example.com/x?q=\"",
        "http://example.com:08080/x", "https://x-y.example.com/p/q;r=1?s=t&u=v",
    ])
    func hostMatchesURLComponents(url: String) {
        #expect(Deliverer.host(of: url) == Self.reference(url))
    }
}
