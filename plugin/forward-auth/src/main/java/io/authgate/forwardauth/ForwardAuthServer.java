package io.authgate.forwardauth;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
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
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The two listeners, on one set of event loops: decisions and management, never the same port.
 * HTTP/1.1 with keep-alive. Limits keep a hostile client cheap: an 8 KiB request line, 64 KiB of
 * headers, 64 KiB of body, and an idle connection closed after a minute. The header limit is well
 * above the core's 16 KiB token cap, so an oversized token is the core's "no session" (200), as
 * Authgear answers it, and not a 431 that Traefik or Envoy would hand to the client; it also covers
 * Envoy's default 60 KiB of request headers.
 */
final class ForwardAuthServer implements AutoCloseable {
    static final int MAX_INITIAL_LINE = 8 * 1024;
    static final int MAX_HEADER_SIZE = 64 * 1024;
    static final int MAX_BODY = 64 * 1024;
    /** The decision port's request decoder; writes from its place skip the response encoder. */
    static final String DECODER = "decoder";

    /** epoll where the native library loads (Linux x86-64), NIO anywhere else. */
    private static final boolean EPOLL = Epoll.isAvailable();

    private final EventLoopGroup boss = EPOLL ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
    private final EventLoopGroup workers;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicInteger inFlight;
    private Channel decisionChannel;
    private Channel adminChannel;

    /** @param threads event loops serving connections (both ports) */
    ForwardAuthServer(AtomicInteger inFlight, int threads) {
        this.inFlight = inFlight;
        this.workers = EPOLL ? new EpollEventLoopGroup(threads) : new NioEventLoopGroup(threads);
    }

    /** Binds both ports or fails; returns nothing until both listen. */
    void start(InetSocketAddress decisions, ChannelHandler decisionHandler, InetSocketAddress admin, ChannelHandler adminHandler)
            throws InterruptedException {
        // Decoder and encoder are separate rather than an HttpServerCodec, whose encoder expects one
        // encoded response per request it decoded: a cached session's answer is written pre-encoded,
        // from the decoder's place in the pipeline, so it passes no encoder (Responses.allow).
        decisionChannel = bind(decisions, p -> p
                .addLast(DECODER, new HttpRequestDecoder(MAX_INITIAL_LINE, MAX_HEADER_SIZE, 8192))
                .addLast(new HttpResponseEncoder())
                .addLast(new HttpObjectAggregator(MAX_BODY))
                .addLast(decisionHandler));
        adminChannel = bind(admin, p -> p
                .addLast(new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, 8192))
                .addLast(new HttpObjectAggregator(MAX_BODY))
                .addLast(adminHandler));
    }

    InetSocketAddress decisionAddress() {
        return (InetSocketAddress) decisionChannel.localAddress();
    }

    InetSocketAddress adminAddress() {
        return (InetSocketAddress) adminChannel.localAddress();
    }

    private Channel bind(InetSocketAddress address, Consumer<ChannelPipeline> handlers) throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.add(ch);
                        ch.pipeline().addLast(new ReadTimeoutHandler(60, TimeUnit.SECONDS));
                        handlers.accept(ch.pipeline());
                    }
                });
        return bootstrap.bind(address).sync().channel();
    }

    /**
     * Stops accepting, lets requests in flight finish (at most {@code drain}), then closes every
     * connection and the event loops.
     */
    void shutdown(Duration drain) {
        if (decisionChannel != null) {
            decisionChannel.close().syncUninterruptibly();
        }
        if (adminChannel != null) {
            adminChannel.close().syncUninterruptibly();
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
