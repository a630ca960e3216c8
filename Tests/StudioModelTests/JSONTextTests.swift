import Testing

@testable import StudioModel

/// The compact and indented writers print exactly the text they always did.
struct JSONTextTests {
    static let value: JSONValue = [
        "s": "a\"b\\c\n\r\t\u{08}\u{0C}\u{01}\u{1F}é😀\u{2028}\u{2029}\u{2027}/",
        "i": -42, "d": 0.5, "whole": 3.0, "big": 1e300, "nan": .double(.nan), "t": true, "f": false, "n": nil,
        "empty": [:], "list": [], "nested": ["a": [1, [2, ["b": nil]]], "c": [[:], []]],
    ]

    static let compact = #"{"s":"a\"b\\c\n\r\t\b\f\u0001\u001fé😀\u2028\u2029\#u{2027}/","i":-42,"d":0.5,"whole":3,"#
        + #""big":1e+300,"nan":null,"t":true,"f":false,"n":null,"empty":{},"list":[],"#
        + #""nested":{"a":[1,[2,{"b":null}]],"c":[{},[]]}}"#

    @Test func compactTextIsUnchanged() {
        #expect(Self.value.jsonText == Self.compact)
        var bytes: [UInt8] = Array("x".utf8)
        Self.value.appendJSON(to: &bytes)
        #expect(bytes == Array(("x" + Self.compact).utf8))
        #expect(Self.value.objectValue.map { object in
            var out: [UInt8] = []
            object.appendJSON(to: &out)
            return String(decoding: out, as: UTF8.self)
        } == Self.compact)
    }

    @Test func scalarsAndEmptyContainers() {
        let cases: [(JSONValue, String)] = [
            (nil, "null"), (true, "true"), (7, "7"), (-0.25, "-0.25"), (.double(.infinity), "null"), ("", #""""#),
            ([], "[]"), ([:], "{}"),
        ]
        for (value, text) in cases { #expect(value.jsonText == text) }
    }

    @Test func prettyTextIsUnchanged() {
        let value: JSONValue = ["a": [1, "x", [:], []], "b": ["c": nil], "d": []]
        #expect(
            value.prettyJSONText == """
                {
                  "a": [
                    1,
                    "x",
                    {},
                    []
                  ],
                  "b": {
                    "c": null
                  },
                  "d": []
                }
                """)
        #expect(JSONValue.string("é\n").prettyJSONText == #""é\n""#)
    }

    /// A lone surrogate escape reads as U+FFFD, and the escape after an unpaired high surrogate
    /// is read on its own (it was lost); the ingest API asks for such text to be refused.
    @Test func aLoneSurrogateIsReplacementTextOrRefusedWhereAsked() throws {
        #expect(try JSONValue.parse(#""a\ud800b""#) == "a\u{FFFD}b")
        #expect(try JSONValue.parse(#""\ud800\u0041""#) == "\u{FFFD}A")
        #expect(try JSONValue.parse(#""\ud83d\ude00""#, refusingLoneSurrogates: true) == "\u{1F600}")
        for text in [#""a\ud800b""#, #""\udc00""#, #""\ud800\u0041""#] {
            #expect(throws: JSONParseError.self) { try JSONValue.parse(text, refusingLoneSurrogates: true) }
        }
        let refusal = JSONParseError(
            message: "\\ud800 is a lone UTF-16 surrogate, not a Unicode character: JSON text must be valid Unicode",
            line: 1, column: 3, offset: 2)
        #expect(throws: refusal) { try JSONValue.parse(#""a\ud800b""#, refusingLoneSurrogates: true) }
    }
}
