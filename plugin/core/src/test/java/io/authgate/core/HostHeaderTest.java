package io.authgate.core;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The JVM-wide Host permission is each front's start-up's business, never a side effect of the core. */
class HostHeaderTest {
    static {
        // The JDK reads the property once, when its HTTP classes load: load them now, under the value
        // surefire starts this JVM with, so that this test's changes cannot reach the other tests.
        io.authgate.core.remote.HttpResolverClient.canSetHost();
    }

    private String saved;

    @BeforeEach
    void save() {
        saved = System.getProperty(HostHeader.PROPERTY);
    }

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty(HostHeader.PROPERTY);
        } else {
            System.setProperty(HostHeader.PROPERTY, saved);
        }
    }

    @Test
    void creatingARuntimeLeavesTheJvmPropertyAlone() {
        System.clearProperty(HostHeader.PROPERTY);
        Authgate.create(AuthgateEvents.NONE);
        assertThat(System.getProperty(HostHeader.PROPERTY)).isNull();
    }

    @Test
    void aFrontsStartUpAddsHostAndKeepsTheOperatorsValue() {
        System.clearProperty(HostHeader.PROPERTY);
        HostHeader.allowForResolver();
        assertThat(System.getProperty(HostHeader.PROPERTY)).isEqualTo("host");

        System.setProperty(HostHeader.PROPERTY, "date");
        HostHeader.allowForResolver();
        assertThat(System.getProperty(HostHeader.PROPERTY)).isEqualTo("date,host");

        HostHeader.allowForResolver();
        assertThat(System.getProperty(HostHeader.PROPERTY)).as("named once").isEqualTo("date,host");
        System.setProperty(HostHeader.PROPERTY, "Date, HOST");
        HostHeader.allowForResolver();
        assertThat(System.getProperty(HostHeader.PROPERTY)).isEqualTo("Date, HOST");
    }
}
