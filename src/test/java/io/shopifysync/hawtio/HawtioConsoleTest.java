package io.shopifysync.hawtio;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** HawtioConsole's command line refuses what it cannot run, saying why. */
class HawtioConsoleTest {

    @Test
    void aMissingWarNamesTheFileAndTheFix() {
        assertThatThrownBy(() -> HawtioConsole.main(new String[] {"--war", "no/such/hawtio.war"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Hawtio war not found at " + Path.of("no/such/hawtio.war")
                        + ": run mvn test-compile first (it copies io.hawt:hawtio-war)");
    }

    @Test
    void aPortMustBeANumberInRange() {
        assertThatThrownBy(() -> HawtioConsole.main(new String[] {"--port", "http"}))
                .hasMessage("--port must be a number from 0 to 65535, got http");
        assertThatThrownBy(() -> HawtioConsole.main(new String[] {"--port", "70000"}))
                .hasMessage("--port must be a number from 0 to 65535, got 70000");
    }

    @Test
    void optionsNeedValuesAndUnknownOptionsAreRefused() {
        assertThatThrownBy(() -> HawtioConsole.main(new String[] {"--allow"})).hasMessage("--allow needs a value");
        assertThatThrownBy(() -> HawtioConsole.main(new String[] {"--open"}))
                .hasMessage("unknown option --open; usage: HawtioConsole [--war FILE] [--host H] [--port P] [--allow HOSTS]");
    }
}
