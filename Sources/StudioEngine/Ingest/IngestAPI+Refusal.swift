import Hummingbird
import StudioModel

extension IngestAPI {
    /// Why an ingest request, or one item of a bulk request, is refused, and the 400 it gets.
    enum Refusal: Error {
        /// `email` is given but is not an address.
        case invalidEmail(String)
        /// Only a `userId` names the user, and hookline identifies users by their address.
        case userIDOnly(String)
        /// Neither `email` nor `userId` is given.
        case missingEmail
        /// A required field is missing or names nothing.
        case badParams(String)
        /// A field has the wrong JSON type.
        case wrongType(String)

        /// Iterable's code for the refusal.
        var code: String {
            switch self {
            case .invalidEmail, .missingEmail: "InvalidEmailAddressError"
            case .userIDOnly, .badParams: "BadParams"
            case .wrongType: "BadJsonBody"
            }
        }

        var message: String {
            switch self {
            case .invalidEmail(let email): EmailAddress.refusal(of: email) ?? "'\(email)' is not an email address"
            case .userIDOnly(let userID):
                "userId '\(userID)' names no user here: hookline identifies users by email, so send email instead"
            case .missingEmail: "email is required"
            case .badParams(let message), .wrongType(let message): message
            }
        }

        var response: Response { IngestAPI.answer(.badRequest, code: code, message: message) }
    }
}
