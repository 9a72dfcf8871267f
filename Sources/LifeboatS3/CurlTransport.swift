#if !canImport(Darwin)
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

typealias S3Transport = CurlTransport

/// The S3 client's HTTP on Linux: libcurl's easy interface, loaded on first use (`LibCurl`), so
/// the binary links no FoundationNetworking (see `LibCurl` for why).
///
/// Each request runs `curl_easy_perform` — which blocks — on a thread of its own, never on the
/// Swift cooperative pool (two cores would leave two threads for every other task), and resumes
/// its caller through a continuation. Finished easy handles are kept (up to `maxIdleHandles`) and
/// reset for the next request: a handle keeps its connections and DNS cache, so the parts of a
/// multipart upload reuse connections as URLSession did.
final class CurlTransport: @unchecked Sendable {
    /// How long a connection may take to open, and how long a transfer may go without a byte
    /// (curl's low-speed limit, not a total timeout, so a big upload never times out for its size).
    let timeout: Int
    private let lock = NSLock()
    private var idle: [OpaquePointer] = []
    private static let maxIdleHandles = 16

    init(timeout: TimeInterval) {
        self.timeout = max(1, Int(timeout.rounded(.up)))
    }

    deinit {
        guard let curl = try? LibCurl.functions() else { return }
        for handle in idle { curl.easyCleanup(handle) }
    }

    /// Sends `request` and returns the answer, whatever its status.
    /// - Throws: `S3Client.TransportFailure` when there is no answer (the reason only: the client
    ///   adds the operation, bucket and endpoint); `S3Error.localFile` for the body's or the
    ///   sink's file; `S3Error.libcurlUnavailable`; `CancellationError` when the task is cancelled.
    func perform(_ request: S3Client.Request) async throws -> S3Client.Response {
        let curl = try LibCurl.functions()
        let exchange = try CurlExchange(body: request.body, sink: request.sink)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<S3Client.Response, Error>) in
                let thread = Thread { [self] in
                    continuation.resume(with: Result { try run(request, exchange, curl) })
                }
                thread.stackSize = 1 << 20
                thread.start()
            }
        } onCancel: {
            exchange.cancelled.store(true, ordering: .relaxed)
        }
    }

    /// One blocking exchange on the calling thread.
    private func run(_ request: S3Client.Request, _ exchange: CurlExchange, _ curl: LibCurl) throws -> S3Client.Response {
        guard let handle = lock.withLock({ idle.popLast() }) ?? curl.easyInit() else {
            throw S3Client.TransportFailure(reason: "libcurl could not create a handle")
        }
        /// Every option is checked: one libcurl refuses (too old, out of memory) fails the request.
        func ok(_ code: Int32) throws(S3Client.TransportFailure) {
            guard code == 0 else { throw S3Client.TransportFailure(reason: "libcurl refused an option: \(curl.message(code))") }
        }
        var headerList: OpaquePointer?
        defer {
            curl.slistFreeAll(headerList)
            curl.easyReset(handle)
            let kept = lock.withLock {
                guard idle.count < Self.maxIdleHandles else { return false }
                idle.append(handle)
                return true
            }
            if !kept { curl.easyCleanup(handle) }
        }

        try ok(request.url.absoluteString.withCString { curl.setPointer(handle, LibCurl.optURL, $0) })
        try ok(curl.setLong(handle, LibCurl.optNoSignal, 1))
        try ok(curl.setLong(handle, LibCurl.optConnectTimeout, timeout))
        try ok(curl.setLong(handle, LibCurl.optLowSpeedLimit, 1))
        try ok(curl.setLong(handle, LibCurl.optLowSpeedTime, timeout))
        if let bundle = ProcessInfo.processInfo.environment["AWS_CA_BUNDLE"], !bundle.isEmpty {
            try ok(bundle.withCString { curl.setPointer(handle, LibCurl.optCAInfo, $0) })
        }

        // "Expect:" (empty) stops curl asking for 100-continue before a body over 1 MiB.
        for line in request.headers.map({ "\($0.0): \($0.1)" }) + ["Expect:"] {
            guard let appended = line.withCString({ curl.slistAppend(headerList, $0) }) else {
                throw S3Client.TransportFailure(reason: "libcurl could not take the request's headers")
            }
            headerList = appended
        }
        try ok(curl.setPointer(handle, LibCurl.optHTTPHeader, UnsafeRawPointer(headerList)))

        switch request.method {
        case "GET":
            break
        case "HEAD":
            try ok(curl.setLong(handle, LibCurl.optNoBody, 1))
        case "PUT", "POST":
            // UPLOAD sends the read callback's bytes with a Content-Length (a PUT unless told otherwise).
            try ok(curl.setLong(handle, LibCurl.optUpload, 1))
            try ok(curl.setOffset(handle, LibCurl.optInFileSizeLarge, exchange.bodySize))
            if request.method == "POST" {
                try ok("POST".withCString { curl.setPointer(handle, LibCurl.optCustomRequest, $0) })
            }
        default:
            try ok(request.method.withCString { curl.setPointer(handle, LibCurl.optCustomRequest, $0) })
        }

        let context = UnsafeRawPointer(Unmanaged.passUnretained(exchange).toOpaque())
        try ok(curl.setPointer(handle, LibCurl.optReadData, context))
        try ok(curl.setPointer(handle, LibCurl.optWriteData, context))
        try ok(curl.setPointer(handle, LibCurl.optHeaderData, context))
        try ok(curl.setPointer(handle, LibCurl.optXferInfoData, context))
        try ok(curl.setDataCallback(handle, LibCurl.optReadFunction) { buffer, size, count, context in
            CurlExchange.from(context).send(into: buffer, capacity: size * count)
        })
        try ok(curl.setDataCallback(handle, LibCurl.optWriteFunction) { buffer, size, count, context in
            CurlExchange.from(context).receive(buffer, count: size * count)
        })
        try ok(curl.setDataCallback(handle, LibCurl.optHeaderFunction) { buffer, size, count, context in
            CurlExchange.from(context).header(buffer, count: size * count)
        })
        try ok(curl.setLong(handle, LibCurl.optNoProgress, 0))
        try ok(curl.setProgressCallback(handle, LibCurl.optXferInfoFunction) { context, _, _, _, _ in
            CurlExchange.from(context).cancelled.load(ordering: .relaxed) ? 1 : 0
        })

        let code = withExtendedLifetime(exchange) { curl.easyPerform(handle) }
        if exchange.cancelled.load(ordering: .relaxed) { throw CancellationError() }
        if let failure = exchange.localFailure { throw failure }
        guard code == 0 else { throw S3Client.TransportFailure(reason: Self.reason(code, curl)) }

        var status = 0
        try ok(curl.getLong(handle, LibCurl.infoResponseCode, &status))
        let body = try exchange.finish(succeeded: (200..<300).contains(status))
        return S3Client.Response(status: status, headers: exchange.headers, body: body)
    }

    /// The reasons URLSession's errors were reported (and retried) with, for the same failures.
    static func reason(_ code: Int32, _ curl: LibCurl) -> String {
        switch code {
        case LibCurl.codeTimedOut: return "timed out"
        case LibCurl.codeCouldNotConnect: return "connection refused"
        case LibCurl.codeCouldNotResolveHost, LibCurl.codeCouldNotResolveProxy: return "host not found"
        case LibCurl.codeGotNothing, LibCurl.codeSendError, LibCurl.codeReceiveError, LibCurl.codePartialFile:
            return "connection lost"
        default: return curl.message(code)
        }
    }
}
#endif
