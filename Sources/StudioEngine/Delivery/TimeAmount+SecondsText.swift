import NIOCore

extension TimeAmount {
    /// `5.0 s`: a timeout as an attempt's message gives it.
    var secondsText: String { "\(Double(nanoseconds) / 1e9) s" }
}
