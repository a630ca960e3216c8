extension Template {
    /// A stretch of rendered output that a merge tag (`{{x}}`, `{{{x}}}`, a helper, a
    /// `{{#urlEncode}}` block) wrote: what the data chose, not the template's own text.
    public struct MergedOutput: Sendable, Equatable {
        /// UTF-8 offsets in the rendered text; empty where the tag rendered nothing.
        public var range: Range<Int>
        /// Where the tag starts in the template.
        public var location: SourceLocation
    }

    /// Renders as ``render(_:mode:)`` does, and says which stretches of the output merge tags
    /// wrote. Slower than `render`: for a second look at output that may be wrong only when
    /// data made it so (a URL path segment `..` is the file's choice when written, not when merged).
    public func renderTracingMerges(
        _ context: TemplateContext, mode: OutputMode
    ) throws(TemplateError) -> (text: String, merges: [MergedOutput]) {
        var renderer = TemplateRenderer(
            context: context, mode: mode, source: source, capacity: capacityHint, recordMarks: true)
        try renderer.render(nodes)
        let marks = renderer.marks ?? []
        let end = renderer.out.count
        var merges: [MergedOutput] = []
        for (index, mark) in marks.enumerated() where !mark.isText {
            let upper = index + 1 < marks.count ? marks[index + 1].outputOffset : end
            merges.append(
                MergedOutput(
                    range: mark.outputOffset..<upper,
                    location: TemplateError.location(ofUTF8Offset: mark.sourceOffset, in: source)))
        }
        return (renderer.out.string, merges)
    }
}
