package io.shopifysync.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shopifysync.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeyTest {

    @TempDir
    Path dir;

    @Test
    void keyFileIsCreatedOwnerOnlyAndReusedAfterwards() throws Exception {
        Path file = dir.resolve("data").resolve(MasterKey.KEY_FILE);
        MasterKey first = MasterKey.fromFile(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Base64.getDecoder().decode(Files.readString(file).trim())).hasSize(32);
        assertThat(MasterKey.fromFile(file).id()).isEqualTo(first.id());
        try (var stream = Files.list(file.getParent())) {
            assertThat(stream).containsExactly(file);
        }
    }

    @Test
    void refusesAKeyOfTheWrongLength() {
        assertThatThrownBy(() -> MasterKey.fromBase64(Base64.getEncoder().encodeToString(new byte[16])))
                .isInstanceOf(ConfigException.class).hasMessageContaining("32 bytes").hasMessageContaining("got 16");
    }

    @Test
    void refusesAKeyThatIsNotBase64() {
        assertThatThrownBy(() -> MasterKey.fromBase64("not base64 !!"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not valid base64");
    }

    @Test
    void refusesACorruptKeyFile() throws Exception {
        Path file = dir.resolve(MasterKey.KEY_FILE);
        Files.writeString(file, "short");
        assertThatThrownBy(() -> MasterKey.fromFile(file))
                .isInstanceOf(ConfigException.class).hasMessageContaining("is corrupt");
    }
}
