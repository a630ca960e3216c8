extension JSONObject: ExpressibleByDictionaryLiteral {
    /// `["name": "Ada", "age": 36]` as an object, keys in the order written.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }
}
