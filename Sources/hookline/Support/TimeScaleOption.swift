import ArgumentParser

/// Checks a `--time-scale` value: how many times faster workflow delays and retries run.
///
/// Zero would make every delay infinite and a negative one run time backwards; below a
/// thousandth, a day's delay would outlast any date the store can hold.
/// - Throws: `ValidationError` when the scale is out of range.
func validateTimeScale(_ scale: Double) throws {
    guard scale >= 0.001, scale.isFinite else {
        throw ValidationError("Please give a --time-scale of at least 0.001 (1 runs delays as written, 1000 a thousand times faster), not \(scale).")
    }
}
