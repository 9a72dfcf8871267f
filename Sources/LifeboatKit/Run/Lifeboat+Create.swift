import Foundation

/// What `lifeboat create` did.
public struct CreateReport: Encodable, Sendable {
    /// The target, password redacted.
    public var database: String
    public var engine: String
    /// False when the database already existed (still a success, like dbmate's `create`).
    public var created: Bool
}

extension Lifeboat {
    /// `lifeboat create`: makes the target database when it does not exist (SPEC v2).
    /// - Throws: `ProvisioningError.unsupported` when the factory cannot create databases;
    ///   the engine's `cannotOpen` (exit 2) when the server refuses.
    public func create() throws -> CreateReport {
        let url = configuration.databaseURL
        let created = try provisioning().createDatabase(url, options: configuration.engineOptions)
        logger.info("\(created ? "created" : "already exists"): \(url.redacted)")
        return CreateReport(database: url.redacted, engine: url.engine.rawValue, created: created)
    }

    /// The factory's create/ping side, or a clear error for a factory without one.
    func provisioning() throws -> DatabaseProvisioning {
        guard let provisioning = engines as? DatabaseProvisioning else {
            throw ProvisioningError.unsupported(String(describing: type(of: engines)))
        }
        return provisioning
    }
}

/// `create` and `wait` could not do their job (exit 2).
public enum ProvisioningError: LifeboatError {
    /// The engine factory given to `Lifeboat` cannot create or ping databases.
    case unsupported(String)
    /// The target did not accept a connection within the timeout; `lastError` says why.
    case timedOut(database: String, seconds: Double, lastError: String)

    public var category: ErrorCategory { .usage }

    public var description: String {
        switch self {
        case .unsupported(let factory):
            return "the engine factory \(factory) cannot create or wait for databases (it does not conform to DatabaseProvisioning)"
        case .timedOut(let database, let seconds, let lastError):
            return "\(database) did not accept connections within \(WaitReport.format(seconds)) s; last error: \(lastError)"
        }
    }
}
