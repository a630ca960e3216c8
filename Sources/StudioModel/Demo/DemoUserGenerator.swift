/// Makes demo user profiles: names, plans, ages, addresses and signup dates drawn from a seeded PRNG.
struct DemoUserGenerator {
    private var random: SplitMix64
    private var usedEmails: Set<String> = []

    static let firstNames = [
        "Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Linus", "Katherine", "Dennis",
        "Frances", "Ken", "Radia", "Tim", "Hedy", "John", "Sophie", "Guido", "Annie", "Niklaus",
    ]
    static let lastNames = [
        "Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Hamilton", "Torvalds", "Johnson", "Ritchie",
        "Allen", "Thompson", "Perlman", "Berners-Lee", "Lamarr", "McCarthy", "Wilson", "van Rossum", "Easley", "Wirth",
    ]
    static let cities: [(city: String, zip: String)] = [
        ("San Francisco", "94107"), ("New York", "10001"), ("Austin", "78701"), ("Chicago", "60601"),
        ("Seattle", "98101"), ("Denver", "80202"), ("Boston", "02108"), ("Portland", "97201"),
    ]
    /// Plans weighted towards free, as in a real user base.
    static let plans = ["free", "free", "free", "pro", "pro", "enterprise"]

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    mutating func next() -> JSONObject {
        let firstName = random.pick(Self.firstNames)
        let lastName = random.pick(Self.lastNames)
        let email = uniqueEmail(firstName: firstName, lastName: lastName)
        let place = random.pick(Self.cities)
        let plan = random.pick(Self.plans)
        var user = JSONObject()
        user["email"] = .string(email)
        user["firstName"] = .string(firstName)
        user["lastName"] = .string(lastName)
        user["plan"] = .string(plan)
        user["age"] = .int(18 + random.below(62))
        user["vip"] = .bool(plan == "enterprise" || random.below(10) == 0)
        user["address"] = ["city": .string(place.city), "zip": .string(place.zip)]
        user["signupDate"] = .string(signupDate())
        return user
    }

    /// `ada.lovelace42@example.com`; the number is redrawn until the address is unused.
    private mutating func uniqueEmail(firstName: String, lastName: String) -> String {
        let local = "\(firstName).\(lastName)".lowercased().replacingSpaces()
        for _ in 0..<3 {
            let email = "\(local)\(random.below(100))@example.com"
            if usedEmails.insert(email).inserted { return email }
        }
        // Numbers from 100 up are used only here and grow with the set, so they never collide.
        let email = "\(local)\(100 + usedEmails.count)@example.com"
        usedEmails.insert(email)
        return email
    }

    /// An Iterable-format date (`2024-03-07 14:05:09 +00:00`) in 2023–2024.
    private mutating func signupDate() -> String {
        let year = 2023 + random.below(2)
        let month = 1 + random.below(12)
        let day = 1 + random.below(28)
        let hour = random.below(24), minute = random.below(60), second = random.below(60)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day)) \(two(hour)):\(two(minute)):\(two(second)) +00:00"
    }
}

extension String {
    fileprivate func replacingSpaces() -> String {
        String(map { $0 == " " ? "-" : $0 })
    }
}
