#if canImport(Darwin)
import Foundation

/// The S3 client's HTTP on Darwin: URLSession, which is part of the system there (no start-up
/// cost, nothing to link). Linux uses `CurlTransport`, since URLSession would pull in
/// FoundationNetworking there.
typealias S3Transport = URLSessionTransport

final class URLSessionTransport: @unchecked Sendable {
    let session: URLSession

    init(timeout: TimeInterval) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.httpMaximumConnectionsPerHost = 16
        configuration.urlCache = nil
        session = URLSession(configuration: configuration)
    }

    deinit {
        session.finishTasksAndInvalidate()
    }

    /// Sends `request` and returns the answer, whatever its status.
    /// - Throws: `S3Client.TransportFailure` when there is no answer; `S3Error.localFile` when a
    ///   download cannot be moved into place.
    func perform(_ request: S3Client.Request) async throws -> S3Client.Response {
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers {
            urlRequest.setValue(value, forHTTPHeaderField: name)
        }
        let data: Data
        let urlResponse: URLResponse
        do {
            switch (request.body, request.sink) {
            case let (.file(source), _):
                (data, urlResponse) = try await session.upload(for: urlRequest, fromFile: source)
            case let (.data(payload), .memory):
                (data, urlResponse) = try await session.upload(for: urlRequest, from: payload)
            case (.empty, .memory):
                (data, urlResponse) = try await session.data(for: urlRequest)
            case let (_, .file(destination)):
                let (temporary, response) = try await session.download(for: urlRequest)
                urlResponse = response
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                if (200..<300).contains(status) {
                    try Self.move(temporary, to: destination)
                    data = Data()
                } else {
                    data = (try? Data(contentsOf: temporary)) ?? Data()
                    try? FileManager.default.removeItem(at: temporary)
                }
            }
        } catch let error as S3Error {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch {
            throw S3Client.TransportFailure(reason: Self.describe(error))
        }
        guard let http = urlResponse as? HTTPURLResponse else {
            throw S3Client.TransportFailure(reason: "not an HTTP response")
        }
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        return S3Client.Response(status: http.statusCode, headers: headers, body: data)
    }

    /// A transport error's reason without its URL (which is ours, but keeps messages short).
    static func describe(_ error: Error) -> String {
        if let urlError = error as? URLError {
            switch urlError.code {
            case .timedOut: return "timed out"
            case .cannotConnectToHost: return "connection refused"
            case .cannotFindHost: return "host not found"
            case .networkConnectionLost: return "connection lost"
            default: return "network error \(urlError.code.rawValue)"
            }
        }
        return String(describing: type(of: error))
    }

    static func move(_ source: URL, to destination: URL) throws {
        do {
            if FileManager.default.fileExists(atPath: destination.path) {
                try FileManager.default.removeItem(at: destination)
            }
            try FileManager.default.moveItem(at: source, to: destination)
        } catch {
            throw S3Error.localFile(path: destination.path, reason: "\(error.localizedDescription)")
        }
    }
}
#endif
