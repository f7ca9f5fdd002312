package io.authgate.apisix.it;

import com.google.flatbuffers.FlatBufferBuilder;
import io.github.api7.A6.Err.Code;
import io.github.api7.A6.ExtraInfo.Info;
import io.github.api7.A6.ExtraInfo.Var;
import io.github.api7.A6.HTTPReqCall.Action;
import io.github.api7.A6.HTTPReqCall.Rewrite;
import io.github.api7.A6.HTTPReqCall.Stop;
import io.github.api7.A6.Method;
import io.github.api7.A6.TextEntry;

import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Plays APISIX's side of the ext-plugin protocol the way {@code apisix/plugins/ext-plugin/init.lua} does, over
 * the runner's Unix domain socket.
 *
 * <p>Every frame is 1 type byte, a 3-byte big-endian length and a flatbuffer. PrepareConf uses a connection of
 * its own, closed after the first reply: runner 0.4.0 writes that reply twice (runner issue #320), and the
 * duplicate must not be read as the answer to a later call. HTTPReqCall uses one kept-alive connection, as
 * APISIX's keepalive pool does, dropped whenever an exchange fails.
 *
 * <p>Each exchange must finish within the timeout: a watchdog closes the (blocking) channel when it expires, which
 * unblocks the read, so a hung runner fails the test instead of hanging it. Not thread-safe beyond the
 * {@code synchronized} methods.
 */
public final class ApisixExtPluginClient implements AutoCloseable {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    static final int RPC_ERROR = 0;
    static final int RPC_PREPARE_CONF = 1;
    static final int RPC_HTTP_REQ_CALL = 2;
    static final int RPC_EXTRA_INFO = 3;
    static final int MAX_PAYLOAD = (1 << 24) - 1;

    /** {@code $binary_remote_addr} of a client on 127.0.0.1. */
    private static final byte[] SRC_IP = {127, 0, 0, 1};
    /**
     * {@code ngx.req.get_headers()} without an argument silently drops header lines beyond 100: lua-resty-core's
     * {@code lib/resty/core/request.lua} passes -1, and lua-nginx-module's
     * {@code ngx_http_lua_ffi_req_get_headers_count} ({@code src/ngx_http_lua_headers.c}) then caps the count of
     * {@code r->headers_in.headers} lines at {@code NGX_HTTP_LUA_MAX_HEADERS} (100, {@code ngx_http_lua_common.h}).
     */
    static final int MAX_REQUEST_HEADER_LINES = 100;

    private static final ScheduledThreadPoolExecutor WATCHDOG = newWatchdog();

    private final UnixDomainSocketAddress address;
    private final Duration timeout;
    private long nextId = 1; // APISIX starts at 0, but 0 is also what an absent id field reads as
    private SocketChannel keptAlive;

    /** How many times the runner asked for a request body (ExtraInfo ReqBody), over every call. */
    private int bodiesAsked;

    public synchronized int bodiesAsked() {
        return bodiesAsked;
    }

    public ApisixExtPluginClient(Path socket) {
        this(socket, DEFAULT_TIMEOUT);
    }

    public ApisixExtPluginClient(Path socket, Duration timeout) {
        this.address = UnixDomainSocketAddress.of(socket);
        this.timeout = timeout;
    }

    /**
     * Sends {@code PrepareConf.Req{key, conf}} on a fresh connection and returns the runner's conf token.
     *
     * @throws ProtocolException when the runner answers with an error frame or an unexpected type
     */
    public synchronized long prepareConf(String key, List<Map.Entry<String, String>> conf) throws IOException {
        byte[] request = encodePrepareConf(key, conf);
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return withDeadline(channel, "PrepareConf", () -> {
                channel.connect(address);
                writeFrame(channel, RPC_PREPARE_CONF, request);
                Frame reply = readFrame(channel);
                if (reply.type() == RPC_ERROR) {
                    throw new ProtocolException("PrepareConf failed: " + Code.name(errorCode(reply)));
                }
                if (reply.type() != RPC_PREPARE_CONF) {
                    throw new ProtocolException("PrepareConf answered with frame type " + reply.type());
                }
                return io.github.api7.A6.PrepareConf.Resp.getRootAsResp(reply.payload()).confToken();
            });
        }
    }

    /**
     * Sends one {@code HTTPReqCall.Req} built from {@code request} the way APISIX builds it, answers the runner's
     * ExtraInfo questions from {@code request}, and returns the outcome. An error frame gives an ERROR result
     * (APISIX would retry a CONF_TOKEN_NOT_FOUND after a new PrepareConf, and answer 503 otherwise).
     *
     * @throws ProtocolException when the runner asks for something APISIX cannot answer, or sends garbage
     */
    public synchronized ReqCallResult call(long confToken, HttpRequestSpec request) throws IOException {
        long id = nextId++;
        byte[] encoded = encodeReqCall(id, confToken, request);
        SocketChannel channel = keptAliveConnection();
        boolean keep = false;
        try {
            ReqCallResult result = withDeadline(channel, "HTTPReqCall " + id,
                    () -> exchangeReqCall(channel, id, encoded, request));
            // init.lua closes the socket instead of pooling it whenever the call failed
            keep = result.action() != ReqCallResult.Action.ERROR;
            return result;
        } finally {
            if (!keep) {
                closeQuietly(channel);
                keptAlive = null;
            }
        }
    }

    @Override
    public synchronized void close() {
        if (keptAlive != null) {
            closeQuietly(keptAlive);
            keptAlive = null;
        }
    }

    private SocketChannel keptAliveConnection() throws IOException {
        // a watchdog that fired just after an exchange completed leaves a closed channel behind
        if (keptAlive == null || !keptAlive.isOpen()) {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                withDeadline(channel, "connect", () -> channel.connect(address));
            } catch (IOException e) {
                closeQuietly(channel);
                throw e;
            }
            keptAlive = channel;
        }
        return keptAlive;
    }

    private ReqCallResult exchangeReqCall(SocketChannel channel, long id, byte[] encoded, HttpRequestSpec request)
            throws IOException {
        writeFrame(channel, RPC_HTTP_REQ_CALL, encoded);
        while (true) {
            Frame frame = readFrame(channel);
            switch (frame.type()) {
                case RPC_EXTRA_INFO -> {
                    if (io.github.api7.A6.ExtraInfo.Req.getRootAsReq(frame.payload().duplicate()).infoType() == Info.ReqBody) {
                        bodiesAsked++;
                    }
                    writeFrame(channel, RPC_EXTRA_INFO, answerExtraInfo(frame.payload(), request));
                }
                case RPC_PREPARE_CONF -> {
                    // a duplicate PrepareConf reply (runner #320) on a reused connection: not ours, skip it
                }
                case RPC_ERROR -> {
                    return ReqCallResult.error(id, errorCode(frame));
                }
                case RPC_HTTP_REQ_CALL -> {
                    return decodeReqCallResp(id, frame.payload());
                }
                default -> throw new ProtocolException("unexpected frame type " + frame.type() + " during HTTPReqCall");
            }
        }
    }

    // ---- encoding, as init.lua does it ----

    private static byte[] encodePrepareConf(String key, List<Map.Entry<String, String>> conf) {
        FlatBufferBuilder builder = new FlatBufferBuilder(256);
        int keyOffset = builder.createString(key);
        int confVector = 0;
        if (!conf.isEmpty()) {
            int[] entries = new int[conf.size()];
            for (int i = 0; i < entries.length; i++) {
                entries[i] = textEntry(builder, conf.get(i).getKey(), conf.get(i).getValue());
            }
            confVector = io.github.api7.A6.PrepareConf.Req.createConfVector(builder, entries);
        }
        io.github.api7.A6.PrepareConf.Req.startReq(builder);
        io.github.api7.A6.PrepareConf.Req.addKey(builder, keyOffset);
        if (confVector != 0) {
            io.github.api7.A6.PrepareConf.Req.addConf(builder, confVector);
        }
        builder.finish(io.github.api7.A6.PrepareConf.Req.endReq(builder));
        return builder.sizedByteArray();
    }

    private static byte[] encodeReqCall(long id, long confToken, HttpRequestSpec request) {
        FlatBufferBuilder builder = new FlatBufferBuilder(1024);
        int path = builder.createString(request.path());
        int srcIp = io.github.api7.A6.HTTPReqCall.Req.createSrcIpVector(builder, SRC_IP);
        int args = io.github.api7.A6.HTTPReqCall.Req.createArgsVector(builder,
                textEntries(builder, request.queryArgs()));
        int headers = io.github.api7.A6.HTTPReqCall.Req.createHeadersVector(builder,
                textEntries(builder, headersAsApisixSendsThem(request)));
        io.github.api7.A6.HTTPReqCall.Req.startReq(builder);
        io.github.api7.A6.HTTPReqCall.Req.addId(builder, id);
        io.github.api7.A6.HTTPReqCall.Req.addConfToken(builder, confToken);
        io.github.api7.A6.HTTPReqCall.Req.addSrcIp(builder, srcIp);
        io.github.api7.A6.HTTPReqCall.Req.addPath(builder, path);
        io.github.api7.A6.HTTPReqCall.Req.addArgs(builder, args);
        io.github.api7.A6.HTTPReqCall.Req.addHeaders(builder, headers);
        io.github.api7.A6.HTTPReqCall.Req.addMethod(builder, a6Method(request.method()));
        builder.finish(io.github.api7.A6.HTTPReqCall.Req.endReq(builder));
        return builder.sizedByteArray();
    }

    /**
     * {@code core.request.headers(ctx)} ({@code apisix/core/request.lua}) is {@code ngx.req.get_headers()}: the
     * first 100 lines in the order nginx keeps them (the client's, Host included), names lower-cased (underscores
     * untouched), repeated names grouped into one list (lua-resty-core's {@code ngx.req.get_headers}). The
     * HTTPReqCall loop of {@code apisix/plugins/ext-plugin/init.lua} then sends one entry per value, and
     * {@code build_headers} replaces every Host value by {@code $upstream_host}. The lines past the 100th are
     * still proxied upstream: {@link UpstreamRequest} starts from all of them.
     */
    static List<NameValue> headersAsApisixSendsThem(HttpRequestSpec request) {
        Map<String, List<String>> byName = new LinkedHashMap<>();
        request.headers().stream().limit(MAX_REQUEST_HEADER_LINES).forEach(line -> byName
                .computeIfAbsent(line.name().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(line.value()));
        List<NameValue> sent = new ArrayList<>();
        byName.forEach((name, values) -> values.forEach(value ->
                sent.add(NameValue.of(name, name.equals("host") ? request.upstreamHost() : value))));
        return sent;
    }

    private static int a6Method(String method) {
        int index = Arrays.asList(Method.names).indexOf(method);
        if (index < 0) {
            throw new IllegalArgumentException("APISIX cannot encode method " + method);
        }
        return index;
    }

    private static int[] textEntries(FlatBufferBuilder builder, List<NameValue> entries) {
        return entries.stream().mapToInt(entry -> textEntry(builder, entry.name(), entry.value())).toArray();
    }

    /** A null value leaves the field out, as init.lua does for an argument without a value. */
    private static int textEntry(FlatBufferBuilder builder, String name, String value) {
        int nameOffset = builder.createString(name);
        int valueOffset = value == null ? 0 : builder.createString(value);
        TextEntry.startTextEntry(builder);
        TextEntry.addName(builder, nameOffset);
        if (value != null) {
            TextEntry.addValue(builder, valueOffset);
        }
        return TextEntry.endTextEntry(builder);
    }

    /** handle_extra_info in init.lua: {@code ctx.var[name]} for Var, the request body for ReqBody. */
    private static byte[] answerExtraInfo(ByteBuffer payload, HttpRequestSpec request) throws ProtocolException {
        io.github.api7.A6.ExtraInfo.Req question = io.github.api7.A6.ExtraInfo.Req.getRootAsReq(payload);
        byte[] result = switch (question.infoType()) {
            case Info.Var -> {
                String value = request.nginxVars().get(((Var) question.info(new Var())).name());
                yield value == null ? null : value.getBytes(StandardCharsets.UTF_8);
            }
            // core.request.get_body() is nil for an empty body
            case Info.ReqBody -> request.body().length == 0 ? null : request.body();
            default -> throw new ProtocolException(
                    "APISIX fails the request on ExtraInfo " + Info.name(question.infoType()) + " in HTTPReqCall");
        };
        FlatBufferBuilder builder = new FlatBufferBuilder(64 + (result == null ? 0 : result.length));
        int resultOffset = result == null ? 0 : io.github.api7.A6.ExtraInfo.Resp.createResultVector(builder, result);
        io.github.api7.A6.ExtraInfo.Resp.startResp(builder);
        if (result != null) {
            io.github.api7.A6.ExtraInfo.Resp.addResult(builder, resultOffset);
        }
        builder.finish(io.github.api7.A6.ExtraInfo.Resp.endResp(builder));
        return builder.sizedByteArray();
    }

    // ---- decoding ----

    private static ReqCallResult decodeReqCallResp(long requestId, ByteBuffer payload) throws ProtocolException {
        io.github.api7.A6.HTTPReqCall.Resp resp = io.github.api7.A6.HTTPReqCall.Resp.getRootAsResp(payload);
        return switch (resp.actionType()) {
            case Action.NONE -> ReqCallResult.none(requestId, resp.id());
            case Action.Stop -> {
                Stop stop = (Stop) resp.action(new Stop());
                ByteBuffer body = stop.bodyAsByteBuffer();
                // init.lua: "avoid using 0 as the default http status code"
                int status = stop.status() == 0 ? 200 : stop.status();
                yield ReqCallResult.stop(requestId, resp.id(), status, entries(stop.headersLength(), stop::headers),
                        body == null ? "" : StandardCharsets.UTF_8.decode(body).toString());
            }
            case Action.Rewrite -> {
                Rewrite rewrite = (Rewrite) resp.action(new Rewrite());
                yield ReqCallResult.rewrite(requestId, resp.id(), rewrite.path(),
                        entries(rewrite.headersLength(), rewrite::headers),
                        entries(rewrite.argsLength(), rewrite::args));
            }
            default -> throw new ProtocolException("unknown HTTPReqCall action type " + resp.actionType());
        };
    }

    private static List<NameValue> entries(int count, IntFunction<TextEntry> entryAt) {
        List<NameValue> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            TextEntry entry = entryAt.apply(i);
            entries.add(NameValue.of(entry.name(), entry.value()));
        }
        return entries;
    }

    private static int errorCode(Frame errorFrame) {
        // a zero-length error payload can only mean the default code
        return errorFrame.payload().hasRemaining()
                ? io.github.api7.A6.Err.Resp.getRootAsResp(errorFrame.payload()).code()
                : Code.BAD_REQUEST;
    }

    // ---- framing ----

    private record Frame(int type, ByteBuffer payload) {
    }

    private static void writeFrame(SocketChannel channel, int type, byte[] payload) throws IOException {
        if (payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes exceeds " + MAX_PAYLOAD);
        }
        ByteBuffer frame = ByteBuffer.allocate(4 + payload.length);
        frame.put((byte) type)
                .put((byte) (payload.length >>> 16))
                .put((byte) (payload.length >>> 8))
                .put((byte) payload.length)
                .put(payload)
                .flip();
        while (frame.hasRemaining()) {
            channel.write(frame);
        }
    }

    private static Frame readFrame(SocketChannel channel) throws IOException {
        ByteBuffer header = readFully(channel, 4);
        int length = (header.get(1) & 0xff) << 16 | (header.get(2) & 0xff) << 8 | (header.get(3) & 0xff);
        return new Frame(header.get(0) & 0xff, readFully(channel, length));
    }

    private static ByteBuffer readFully(SocketChannel channel, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new EOFException("the runner closed the connection after " + buffer.position() + " of "
                        + length + " bytes");
            }
        }
        return buffer.flip();
    }

    // ---- deadlines ----

    @FunctionalInterface
    private interface Exchange<T> {
        T run() throws IOException;
    }

    /** Runs {@code exchange} on {@code channel}, closing the channel if it takes longer than the timeout. */
    private <T> T withDeadline(SocketChannel channel, String what, Exchange<T> exchange) throws IOException {
        ScheduledFuture<?> alarm = WATCHDOG.schedule(() -> closeQuietly(channel), timeout.toMillis(),
                TimeUnit.MILLISECONDS);
        try {
            return exchange.run();
        } catch (ClosedChannelException e) {
            if (alarm.isDone()) {
                SocketTimeoutException timedOut = new SocketTimeoutException(
                        what + ": no answer from the runner at " + address + " within " + timeout);
                timedOut.initCause(e);
                throw timedOut;
            }
            throw e;
        } finally {
            alarm.cancel(false);
        }
    }

    private static ScheduledThreadPoolExecutor newWatchdog() {
        ScheduledThreadPoolExecutor watchdog = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "ext-plugin-client-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        watchdog.setRemoveOnCancelPolicy(true);
        return watchdog;
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to do with a channel we are abandoning
        }
    }
}
