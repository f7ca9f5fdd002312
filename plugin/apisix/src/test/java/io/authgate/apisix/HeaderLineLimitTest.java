package io.authgate.apisix;

import com.google.flatbuffers.FlatBufferBuilder;
import io.github.api7.A6.HTTPReqCall.Req;
import io.github.api7.A6.TextEntry;
import org.apache.apisix.plugin.runner.HttpRequest;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

/** Against the runner 0.4.0 SDK's own HttpRequest, built from a real HTTPReqCall flatbuffer. */
class HeaderLineLimitTest {

    /** An HTTPReqCall whose headers are {@code entries} lines of one name, as APISIX sends repeated lines. */
    private static HttpRequest reqCallWith(int entries) {
        FlatBufferBuilder builder = new FlatBufferBuilder(1024);
        int[] headers = new int[entries];
        for (int i = 0; i < entries; i++) {
            headers[i] = TextEntry.createTextEntry(builder, builder.createString("accept"), builder.createString("*/*"));
        }
        int vector = Req.createHeadersVector(builder, headers);
        Req.startReq(builder);
        Req.addId(builder, 1);
        Req.addHeaders(builder, vector);
        builder.finish(Req.endReq(builder));
        return HttpRequest.from(ByteBuffer.wrap(builder.sizedByteArray()));
    }

    @Test
    void theRunnersRequestIsCountedByEntriesNotByDistinctNames() {
        HeaderLineLimit limit = HeaderLineLimit.forRunner();

        assertThat(limit).isInstanceOf(HeaderLineLimit.Counted.class);
        assertThat(reqCallWith(100).getHeaders()).hasSize(1);
        assertThat(limit.mayHideLines(reqCallWith(0))).isFalse();
        assertThat(limit.mayHideLines(reqCallWith(99))).isFalse();
        assertThat(limit.mayHideLines(reqCallWith(100))).isTrue();
        assertThat(limit.mayHideLines(reqCallWith(101))).isTrue();
    }

    @Test
    void withoutACountEveryRequestMayHideLines() {
        HeaderLineLimit.Uncounted uncounted = new HeaderLineLimit.Uncounted("test");

        assertThat(uncounted.mayHideLines(reqCallWith(0))).isTrue();
    }
}
