import GRDB

/// A stored row that does not hold what this Hookline wrote: a column is missing (a store changed
/// by another version or by hand) or holds a value of another type.
struct StoredRowError: Error, CustomStringConvertible {
    var table: String
    var column: String
    /// The type asked for, when the value is not one; nil when the column is missing or NULL.
    var expected: String?
    var isMissing: Bool

    var description: String {
        if isMissing { return "column \(table).\(column) is missing" }
        if let expected { return "a value of \(table).\(column) is not \(expected)" }
        return "a value of \(table).\(column) is NULL"
    }
}

extension Row {
    /// The value of `column`, which every row of `table` holds.
    /// - Throws: ``StoredRowError`` when the column is missing, NULL or of another type, where
    ///   GRDB's subscript would stop the process.
    func stored<Value: DatabaseValueConvertible>(_ column: String, of table: String) throws -> Value {
        guard let value: Value = try storedIfPresent(column, of: table) else {
            throw StoredRowError(table: table, column: column, expected: nil, isMissing: !hasColumn(column))
        }
        return value
    }

    /// The value of `column`; nil when it is NULL or the column is missing.
    /// - Throws: ``StoredRowError`` when it holds a value of another type.
    func storedIfPresent<Value: DatabaseValueConvertible>(_ column: String, of table: String) throws -> Value? {
        guard hasColumn(column) else { return nil }
        let databaseValue: DatabaseValue = self[column]
        guard !databaseValue.isNull else { return nil }
        guard let value = Value.fromDatabaseValue(databaseValue) else {
            throw StoredRowError(table: table, column: column, expected: "\(Value.self)", isMissing: false)
        }
        return value
    }
}
