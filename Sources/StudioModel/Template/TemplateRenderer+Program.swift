/// Runs a `TemplateProgram`. Each instruction does what the tree renderer does for the node it came from;
/// instructions that stand for a tree node hand it to the tree renderer, which shares the frames and output.
extension TemplateRenderer {
    mutating func run(_ program: TemplateProgram, _ range: TemplateProgram.InstructionRange) throws(TemplateError) {
        var position = range.start
        while position < range.end {
            switch program.instructions[position] {
            case .text(let start, let count, let exits):
                program.literals.withUnsafeBufferPointer { literals in
                    appendText(UnsafeBufferPointer(rebasing: literals[start..<start + count]))
                }
                if mode == .json { jsonState = exits.exit(from: jsonState) }
            case .path(let path, let raw, let offset):
                let value = resolve(program, path)
                if mode == .json, !raw, jsonState == JSONLexState.outside {
                    TemplateEncoding.appendTypedJSON(value, to: &out)
                } else {
                    try emit(value, raw: raw, offset: offset)
                }
            case .condition(let path, let negated, let body, let inverse):
                let truthy = resolve(program, path)?.isTruthy ?? false
                try run(program, truthy != negated ? body : inverse)
            case .each(let path, let body, let inverse):
                try runEach(program, resolve(program, path), body: body, inverse: inverse)
            case .section(let path, let body, let inverse):
                guard let value = resolve(program, path), Self.opensSection(value) else {
                    try run(program, inverse)
                    break
                }
                switch value {
                case .array(let items): try runIterations(program, items, body: body)
                case .bool: try run(program, body)
                default:
                    var frame = frames[frames.count - 1]
                    frame.opensContext = !Self.isSameInstance(value, currentContext)
                    frame.value = value
                    frame.opensData = false
                    frames.append(frame)
                    defer { frames.removeLast() }
                    try run(program, body)
                }
            case .valueTag(let index):
                try renderValue(program.valueTags[index])
            case .block(let index):
                try renderBlock(program.blocks[index])
            }
            position += 1
        }
    }

    private mutating func runEach(
        _ program: TemplateProgram, _ value: JSONValue?, body: TemplateProgram.InstructionRange,
        inverse: TemplateProgram.InstructionRange
    ) throws(TemplateError) {
        switch value {
        case .array(let items)? where !items.isEmpty: try runIterations(program, items, body: body)
        case .object(let object)? where !object.isEmpty:
            let keys = Self.iterationOrder(object)
            let outer = currentContext
            frames.append(Frame(value: nil, index: 0, count: keys.count))
            defer { frames.removeLast() }
            for (position, key) in keys.enumerated() {
                let item = object[key] ?? .null
                frames[frames.count - 1] = Frame(
                    value: item, index: position, count: keys.count, key: key,
                    opensContext: !Self.isSameInstance(item, outer))
                try run(program, body)
            }
        default: try run(program, inverse)
        }
    }

    private mutating func runIterations(
        _ program: TemplateProgram, _ items: [JSONValue], body: TemplateProgram.InstructionRange
    ) throws(TemplateError) {
        let outer = currentContext
        frames.append(Frame(value: nil))
        defer { frames.removeLast() }
        let top = frames.count - 1
        for position in items.indices {
            frames[top] = Frame(
                value: items[position], index: position, count: items.count,
                opensContext: !Self.isSameInstance(items[position], outer))
            try run(program, body)
        }
    }

    /// `resolve(_:)` for a compiled path.
    func resolve(_ program: TemplateProgram, _ pathIndex: Int) -> JSONValue? {
        let path = program.paths[pathIndex]
        let frameIndex = contextFrame(up: path.up)
        guard frameIndex >= 0 || path.data != nil else { return nil }
        var current: JSONValue?
        var next = path.first
        let end = path.first + path.count
        if let data = path.data {
            if data == .root {
                guard next < end else { return context.rootValue }
                current = context.lookupRoot(program.segments[next].key)
                next += 1
            } else {
                current = frameVariable(data, up: path.up)
            }
        } else if frameIndex > 0 || frames[0].value != nil {
            current = frames[frameIndex].value
        } else {
            guard next < end else { return context.rootValue }
            current = context.lookupRoot(program.segments[next].key)
            next += 1
        }
        while next < end {
            guard let value = current else { return nil }
            current = Self.member(value, program.segments[next])
            next += 1
        }
        return current
    }

    /// `member(_:_:)` for a compiled segment.
    @inline(__always)
    static func member(_ value: JSONValue, _ segment: TemplateProgram.Segment) -> JSONValue? {
        switch value {
        case .object(let object):
            if let found = object[segment.key] { return found }
            return segment.isSize ? .int(object.count) : nil
        case .array(let items):
            if let index = segment.arrayIndex { return items.indices.contains(index) ? items[index] : nil }
            return segment.isSize ? .int(items.count) : nil
        case .string(let string):
            return segment.isSize ? .int(string.utf16.count) : nil
        default:
            return nil
        }
    }
}
