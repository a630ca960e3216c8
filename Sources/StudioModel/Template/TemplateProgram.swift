/// The parsed tree compiled into a flat instruction list, which `Template.render` runs.
///
/// Instructions carry only integers, so running them costs no reference counting; literal text sits in one
/// byte pool; paths are split into segments once, with array indices already parsed. Blocks refer to
/// their body and `{{else}}` part as ranges of the same list. Tags and blocks the instructions do not
/// cover (helper calls, literals, other block helpers, `#if … includeZero=true`) point at their tree node,
/// which the tree renderer handles, so both routes give the same output.
struct TemplateProgram: Sendable {
    enum Instruction: Sendable {
        /// Literal bytes `literals[start..<start+count]`, with their JSON lexical-state exits.
        case text(start: Int, count: Int, exits: JSONLexExits)
        /// `{{path}}` or `{{{path}}}`.
        case path(path: Int, raw: Bool, offset: Int)
        /// `{{#if path}}` (or `#unless` when `negated`), without hash arguments.
        case condition(path: Int, negated: Bool, body: InstructionRange, inverse: InstructionRange)
        /// `{{#each path}}`.
        case each(path: Int, body: InstructionRange, inverse: InstructionRange)
        /// `{{#path}}` section.
        case section(path: Int, body: InstructionRange, inverse: InstructionRange)
        /// Any other value tag: `valueTags[index]`, rendered from the tree.
        case valueTag(Int)
        /// Any other block: `blocks[index]`, rendered from the tree.
        case block(Int)
    }

    struct InstructionRange: Sendable {
        var start: Int
        var end: Int
    }

    /// Exit JSON lexical state for each entry state (see `JSONLexState`).
    struct JSONLexExits: Sendable {
        var outside: UInt8
        var inString: UInt8
        var afterBackslash: UInt8

        @inline(__always)
        func exit(from state: UInt8) -> UInt8 {
            switch state {
            case JSONLexState.outside: outside
            case JSONLexState.inString: inString
            default: afterBackslash
            }
        }
    }

    /// A path with its segments at `segments[first..<first+count]`.
    struct Path: Sendable {
        var up: Int
        var data: TemplatePath.DataVariable?
        var first: Int
        var count: Int
    }

    /// One path segment: an object key, and the array index it spells (as `Int(key)` reads it), if any.
    struct Segment: Sendable {
        var key: String
        var arrayIndex: Int?
        /// `size` or `length`, which also answer for arrays, objects and strings.
        var isSize: Bool
    }

    private(set) var instructions: [Instruction] = []
    private(set) var literals: [UInt8] = []
    private(set) var paths: [Path] = []
    private(set) var segments: [Segment] = []
    private(set) var valueTags: [TemplateValueTag] = []
    private(set) var blocks: [TemplateBlock] = []

    /// The template's top level (block bodies follow it in `instructions`).
    private(set) var main = InstructionRange(start: 0, end: 0)

    init(compiling nodes: [TemplateNode]) {
        main = compile(nodes)
    }

    /// Appends `nodes` (and, after them, the bodies of their blocks) and returns their range.
    private mutating func compile(_ nodes: [TemplateNode]) -> InstructionRange {
        let start = instructions.count
        // Reserve this level's slots first so that the level stays contiguous; block bodies follow it.
        var pending: [(slot: Int, node: TemplateBlock)] = []
        for node in nodes {
            switch node {
            case .text(let text):
                let exits = JSONLexExits(
                    outside: text.exitStates.0, inString: text.exitStates.1, afterBackslash: text.exitStates.2)
                instructions.append(.text(start: literals.count, count: text.bytes.count, exits: exits))
                literals.append(contentsOf: text.bytes)
            case .value(let tag):
                if case .path(let path) = tag.expression {
                    instructions.append(.path(path: add(path), raw: tag.isRaw, offset: tag.offset))
                } else {
                    instructions.append(.valueTag(valueTags.count))
                    valueTags.append(tag)
                }
            case .block(let block):
                pending.append((instructions.count, block))
                instructions.append(.block(blocks.count))
                blocks.append(block)
            }
        }
        let end = instructions.count
        for (slot, block) in pending {
            if let instruction = compileBlock(block) { instructions[slot] = instruction }
        }
        return InstructionRange(start: start, end: end)
    }

    /// The instruction for a block the program runs itself, or nil to leave it to the tree renderer.
    private mutating func compileBlock(_ block: TemplateBlock) -> Instruction? {
        switch block.kind {
        case .section(let path):
            let path = add(path)
            let body = compile(block.body)
            return .section(path: path, body: body, inverse: compile(block.inverse))
        case .helper(let helper):
            guard block.params.count == 1, block.hash.isEmpty, block.blockParams.isEmpty,
                case .path(let path) = block.params[0]
            else { return nil }
            switch helper {
            case .if, .unless:
                let path = add(path)
                let body = compile(block.body)
                return .condition(
                    path: path, negated: helper == .unless, body: body, inverse: compile(block.inverse))
            case .each:
                let path = add(path)
                let body = compile(block.body)
                return .each(path: path, body: body, inverse: compile(block.inverse))
            default:
                return nil
            }
        }
    }

    private mutating func add(_ path: TemplatePath) -> Int {
        let first = segments.count
        for key in path.segments {
            segments.append(Segment(key: key, arrayIndex: Int(key), isSize: key == "size" || key == "length"))
        }
        paths.append(Path(up: path.up, data: path.data, first: first, count: path.segments.count))
        return paths.count - 1
    }
}
