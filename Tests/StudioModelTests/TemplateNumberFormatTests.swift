import StudioModel
import Testing

/// `numberFormat` rounds as `java.text.DecimalFormat`, which Iterable's helper runs on: the exact binary value of
/// the double, half-even by default. Every expected text was printed by Java 17 (`new DecimalFormat(p,
/// DecimalFormatSymbols.getInstance(Locale.US))`, `NumberFormat.getCurrencyInstance(Locale.US)`, …).
struct TemplateNumberFormatTests {
    static let numberCases: [NamedRenderCase] = [
        // Ties of the decimal text are no ties of the double: 2.675 is 2.67499999…, 0.025 is 0.025000000000000001….
        NamedRenderCase(
            name: "a pattern rounds the exact double",
            template: #"{{numberFormat a "0.00"}} {{numberFormat b "0.00"}} {{numberFormat c "0.00"}} {{numberFormat e "0.00"}} {{numberFormat f "0.00"}} {{numberFormat g "0.00"}}"#,
            data: ["a": 0.005, "b": 0.015, "c": 0.025, "e": 2.675, "f": 8.345, "g": 10.235],
            expected: "0.01 0.01 0.03 2.67 8.35 10.23"),
        NamedRenderCase(
            name: "true ties go half-even", template: #"{{numberFormat a "0.00"}} {{numberFormat b "0.00"}}"#,
            data: ["a": 0.125, "b": 0.375], expected: "0.12 0.38"),
        NamedRenderCase(
            name: "currency", template: #"{{numberFormat a "currency"}} {{numberFormat b "currency"}} {{numberFormat c "currency"}}"#,
            data: ["a": 0.025, "b": 8.345, "c": -2.675], expected: "$0.03 $8.35 -$2.67"),
        NamedRenderCase(
            name: "maximumFractionDigits and the default style",
            template: #"{{numberFormat a maximumFractionDigits=2}} {{numberFormat b maximumFractionDigits=2}} {{numberFormat c}} {{numberFormat d maximumFractionDigits=2}}"#,
            data: ["a": 2.675, "b": 1_234_567.125, "c": 0.0125, "d": 9.995], expected: "2.67 1,234,567.12 0.013 9.99"),
        NamedRenderCase(
            name: "other rounding modes",
            template: #"{{numberFormat a maximumFractionDigits=2 roundingMode="half_up"}} {{numberFormat b maximumFractionDigits=2 roundingMode="half_up"}} {{numberFormat c maximumFractionDigits=2 roundingMode="up"}} {{numberFormat d maximumFractionDigits=2 roundingMode="up"}}"#,
            data: ["a": 0.125, "b": 2.675, "c": 0.0125, "d": 0.1], expected: "0.13 2.67 0.02 0.1"),
        // DecimalFormat multiplies the double by 100 first: 0.2675 × 100 is 26.750000000000004.
        NamedRenderCase(
            name: "percent scales the double first",
            template: ##"{{numberFormat a "percent"}} {{numberFormat b "#,##0.0%"}} {{numberFormat c "percent"}}"##,
            data: ["a": 0.125, "b": 0.2675, "c": 2.675], expected: "12% 26.8% 268%"),
        NamedRenderCase(
            name: "values that need no rounding are as written",
            template: ##"{{numberFormat a "0.00"}} {{numberFormat b "#,##0.00"}} {{numberFormat c "0.###E0"}} {{numberFormat d "0.00"}}"##,
            data: ["a": 0.1, "b": 1234.5, "c": 12000, "d": 1e-7], expected: "0.10 1,234.50 1.2E4 0.00"),
    ]

    /// In scientific notation DecimalFormat rounds the mantissa to the pattern's integer and fraction digits,
    /// on the exact double too: 10.235 is 10.2349999…, 8.345 is 8.3450000000000006…, 0.0125 is
    /// 0.01250000000000000069…, 1.0235E22 is 10234999999999999213568. ICU rounded each as a tie of its
    /// shortest text (1.024E1, 8.34E0, 1.2E-2, 1.024E22). The exponent has the `0`s after `E` as its least
    /// digits and a `-` when negative; the integer digits before the point set the exponent (javadoc:
    /// 0.00123 with `00.###E0` is 12.3E-4).
    static let scientificCases: [NamedRenderCase] = [
        NamedRenderCase(
            name: "the mantissa rounds the exact double",
            template: #"{{numberFormat a "0.###E0"}} {{numberFormat b "0.##E0"}} {{numberFormat c "0.#E0"}} {{numberFormat d "0.###E0"}} {{numberFormat e "0.###E0"}}"#,
            data: ["a": 10.235, "b": 8.345, "c": 0.0125, "d": 1.0235e22, "e": -10.235],
            expected: "1.023E1 8.35E0 1.3E-2 1.023E22 -1.023E1"),
        NamedRenderCase(
            name: "true ties and carries",
            template: #"{{numberFormat a "0.###E0"}} {{numberFormat b "0.###E0"}} {{numberFormat c "0.00E0"}}"#,
            data: ["a": 12345, "b": 9.9996, "c": 2.675], expected: "1.234E4 1E1 2.67E0"),
        NamedRenderCase(
            name: "integer digits, exponent digits and negative exponents",
            template: #"{{numberFormat a "00.###E0"}} {{numberFormat b "0.###E00"}} {{numberFormat c "0.###E00"}} {{numberFormat d "0.#E0"}} {{numberFormat e "00.###E0"}}"#,
            data: ["a": 0.00123, "b": 1234, "c": 0.0015, "d": 0.000125, "e": 10.235],
            expected: "12.3E-4 1.234E03 1.5E-03 1.3E-4 10.235E0"),
        NamedRenderCase(
            name: "maximumFractionDigits and roundingMode apply to the mantissa",
            template: #"{{numberFormat a "0.###E0" maximumFractionDigits=1}} {{numberFormat b "0.###E0" roundingMode="up"}}"#,
            data: ["a": 10.235, "b": 10.231], expected: "1E1 1.024E1"),
    ]

    @Test(arguments: scientificCases)
    func roundsScientificNotationAsDecimalFormat(_ test: NamedRenderCase) throws {
        #expect(try TemplateFixture.render(test.template, test.data) == test.expected)
    }

    @Test(arguments: numberCases)
    func roundsAsDecimalFormat(_ test: NamedRenderCase) throws {
        #expect(try TemplateFixture.render(test.template, test.data) == test.expected)
    }
}
