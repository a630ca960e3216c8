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
}
