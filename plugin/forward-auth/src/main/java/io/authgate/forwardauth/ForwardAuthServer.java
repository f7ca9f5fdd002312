package io.authgate.forwardauth;

import io.authgate.forwardauth.log.AdapterLog;

import io.authgate.core.WebhookAnswer;
import io.authgate.core.WebhookReceiver;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The two listeners, on one set of event loops: decisions and management, never the same port.
 * HTTP/1.1 with keep-alive. Limits keep a hostile client cheap: an 8 KiB request line, 64 KiB of
 * headers, no body ever read on the decision port ({@link RequestFraming}), a head due within
 * {@code request_head_timeout_ms}, at most {@code max_pipelined_requests} answers outstanding per
 * connection and none piling up unread ({@link DecisionRequestDecoder}), at most
 * {@code max_connections} connections ({@link ConnectionLimits}), and an idle connection closed after
 * a minute. The header limit is well above the core's 16 KiB token cap, so an oversized token is the
 * core's "no session" (200), as Authgear answers it, and not a 431 that Traefik or Envoy would hand
 * to the client; it also covers Envoy's default 60 KiB of request headers.
 *
 * <p>An event loop that ends while the server is not stopping ends the process ({@link Fatal}).
 */
final class ForwardAuthServer implements AutoCloseable {
    static final int MAX_INITIAL_LINE = 8 * 1024;
    static final int MAX_HEADER_SIZE = 64 * 1024;
    /** The management port's requests (no body is expected there either; a small one is tolerated). */
    static final int MAX_ADMIN_BODY = 64 * 1024;
    /** The management port's own connection cap: a flood of decisions never locks out health checks. */
    static final int ADMIN_MAX_CONNECTIONS = 64;
    /**
     * A whole management request is due within this of its connection opening or its previous answer:
     * else {@link #ADMIN_MAX_CONNECTIONS} clients that never finish one (idle, or a byte every few
     * seconds, which resets the idle timeout) would keep health checks out for as long as they liked.
     * Probes and scrapes send their request at once.
     */
    static final Duration ADMIN_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** The webhook port's own connection cap: Authgear posts one event per request, a few at once. */
    static final int WEBHOOK_MAX_CONNECTIONS = 64;
    /**
     * At most this many webhook connections from any one address, so one source cannot hold all
     * {@link #WEBHOOK_MAX_CONNECTIONS}. Every source, loopback too: {@code gateway_sources} names the
     * decision port's gateways (loopback by default), which Authgear is not. A TLS proxy in front is
     * one source; Authgear posts one event per request, a few at once, so 8 is room enough, and the
     * proxy is where the webhook URL is rate-limited.
     */
    static final int WEBHOOK_MAX_CONNECTIONS_PER_SOURCE = 8;
    /** A whole webhook request (head and body) is due within this of its connection opening or its previous answer. */
    static final Duration WEBHOOK_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    static final int IDLE_TIMEOUT_SECONDS = 60;
    /** The decision port's request decoder; writes from its place skip the response encoder. */
    static final String DECODER = "decoder";

    /** epoll where the native library loads (Linux x86-64), NIO anywhere else. */
    private static final boolean EPOLL = Epoll.isAvailable();

    private final EventLoopGroup boss = group(1, "authgate-accept");
    private final EventLoopGroup workers;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicInteger inFlight;
    private final ConnectionPolicy policy;
    private final Metrics metrics;
    private final AdapterLog log;
    private final ConnectionLimits decisionLimits;
    private final ConnectionLimits adminLimits;
    private volatile boolean stopping;
    private Channel decisionChannel;
    private Channel adminChannel;
    private Channel webhookChannel;

    /** @param threads event loops serving connections (both ports) */
    ForwardAuthServer(AtomicInteger inFlight, int threads, ConnectionPolicy policy, Metrics metrics, AdapterLog log) {
        this.inFlight = inFlight;
        this.log = log;
        this.policy = policy;
        this.metrics = metrics;
        this.workers = group(threads, "authgate-io");
        this.decisionLimits = ConnectionLimits.of(policy, metrics);
        this.adminLimits = new ConnectionLimits(ADMIN_MAX_CONNECTIONS, ConnectionLimits.Refusal.ADMIN_MAX_CONNECTIONS,
                OptionalInt.empty(), policy.gatewaySources(), metrics);
        metrics.openConnections(decisionLimits::open);
        metrics.decisionsInFlight(inFlight::get);
        Fatal.watch(boss, () -> stopping);
        Fatal.watch(workers, () -> stopping);
    }

    private static EventLoopGroup group(int threads, String name) {
        DefaultThreadFactory factory = new DefaultThreadFactory(name);
        return EPOLL ? new EpollEventLoopGroup(threads, factory) : new NioEventLoopGroup(threads, factory);
    }

    /** Binds both ports or fails; returns nothing until both listen. */
    void start(InetSocketAddress decisions, ChannelHandler decisionHandler, InetSocketAddress admin, ChannelHandler adminHandler)
            throws InterruptedException, ListenException {
        AcceptErrors acceptErrors = new AcceptErrors(metrics, log);
        // Decoder and encoder are separate rather than an HttpServerCodec, whose encoder expects one
        // encoded response per request it decoded: a cached session's answer is written pre-encoded,
        // from the decoder's place in the pipeline, so it passes no encoder (Responses.allow).
        decisionChannel = bind("listen", decisions, decisionLimits, acceptErrors, p -> p
                .addLast(DECODER, new DecisionRequestDecoder(policy.maxPipelinedRequests(),
                        new HeadDeadline(policy.requestHeadTimeout(), metrics), metrics))
                .addLast(new HttpResponseEncoder())
                .addLast(decisionHandler));
        adminChannel = bind("admin_listen", admin, adminLimits, acceptErrors, p -> p
                .addLast(new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, 8192))
                .addLast(new HttpObjectAggregator(MAX_ADMIN_BODY))
                .addLast(new WholeRequestDeadline(ADMIN_REQUEST_TIMEOUT, metrics,
                        Metrics.Closure.ADMIN_REQUEST_TIMEOUT, Metrics.Closure.ADMIN_PIPELINED))
                .addLast(adminHandler));
    }

    /**
     * Binds the webhook port (after {@link #start}): its own connection cap and per-source cap, bodies
     * capped at {@link WebhookReceiver#MAX_BODY_BYTES} (a larger one is 413, counted, and the connection
     * closed), a whole request due within {@link #WEBHOOK_REQUEST_TIMEOUT}, one request in flight per
     * connection ({@link WholeRequestDeadline}).
     */
    void startWebhooks(InetSocketAddress address, ChannelHandler handler) throws InterruptedException, ListenException {
        ConnectionLimits limits = new ConnectionLimits(WEBHOOK_MAX_CONNECTIONS, ConnectionLimits.Refusal.WEBHOOK_MAX_CONNECTIONS,
                OptionalInt.of(WEBHOOK_MAX_CONNECTIONS_PER_SOURCE), ConnectionLimits.Refusal.WEBHOOK_MAX_CONNECTIONS_PER_SOURCE,
                AddressRanges.parse(List.of(), AdapterConfig.WEBHOOK_LISTEN), metrics);
        webhookChannel = bind(AdapterConfig.WEBHOOK_LISTEN, address, limits, new AcceptErrors(metrics, log), p -> p
                .addLast(new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, 8192))
                .addLast(new HttpObjectAggregator(WebhookReceiver.MAX_BODY_BYTES) {
                    @Override
                    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
                        metrics.webhookAnswered(WebhookAnswer.TOO_LARGE);
                        super.handleOversizedMessage(ctx, oversized);
                    }
                })
                .addLast(new WholeRequestDeadline(WEBHOOK_REQUEST_TIMEOUT, metrics,
                        Metrics.Closure.WEBHOOK_REQUEST_TIMEOUT, Metrics.Closure.WEBHOOK_PIPELINED))
                .addLast(handler));
    }

    /** The webhook port's address; empty when it is off. */
    java.util.Optional<InetSocketAddress> webhookAddress() {
        return java.util.Optional.ofNullable(webhookChannel).map(c -> (InetSocketAddress) c.localAddress());
    }

    InetSocketAddress decisionAddress() {
        return (InetSocketAddress) decisionChannel.localAddress();
    }

    InetSocketAddress adminAddress() {
        return (InetSocketAddress) adminChannel.localAddress();
    }

    /** @param listener the config key the address came from, for the error when it cannot bind */
    private Channel bind(String listener, InetSocketAddress address, ConnectionLimits limits, AcceptErrors acceptErrors,
                         Consumer<ChannelPipeline> handlers) throws InterruptedException, ListenException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .handler(acceptErrors)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (!limits.admit(ch)) {
                            return;
                        }
                        connections.add(ch);
                        ch.pipeline().addLast(new ReadTimeoutHandler(IDLE_TIMEOUT_SECONDS, TimeUnit.SECONDS));
                        handlers.accept(ch.pipeline());
                    }
                });
        ChannelFuture bound = bootstrap.bind(address).await();
        if (!bound.isSuccess()) {
            throw new ListenException(listener, address, bound.cause());
        }
        return bound.channel();
    }

    /**
     * Stops accepting, lets requests in flight finish (at most {@code drain}), then closes every
     * connection and the event loops.
     */
    void shutdown(Duration drain) {
        stopping = true;
        if (decisionChannel != null) {
            decisionChannel.close().syncUninterruptibly();
        }
        if (adminChannel != null) {
            adminChannel.close().syncUninterruptibly();
        }
        if (webhookChannel != null) {
            webhookChannel.close().syncUninterruptibly();
        }
        long deadline = System.nanoTime() + drain.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        connections.close().syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }
}
