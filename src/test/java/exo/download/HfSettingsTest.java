package exo.download;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfSettingsTest {
    @TempDir
    Path tmp;

    @Test
    void defaultsAreTheHuggingFaceHubWithNoToken() {
        HfSettings s = HfSettings.fromEnvironment(Map.of("HF_HOME", tmp.toString()));
        assertEquals(URI.create("https://huggingface.co"), s.endpoint());
        assertEquals(Optional.empty(), s.token());
        assertFalse(s.offline());
    }

    @Test
    void hfTokenWinsOverTheTokenFileWhichIsReadWhenItIsAbsent() throws IOException {
        Files.writeString(tmp.resolve("token"), "hf_fromfile\n");
        HfSettings file = HfSettings.fromEnvironment(Map.of("HF_HOME", tmp.toString()));
        assertEquals(Optional.of("hf_fromfile"), file.token());
        assertEquals(tmp.resolve("token").toString(), file.tokenSource());
        HfSettings env = HfSettings.fromEnvironment(Map.of("HF_HOME", tmp.toString(), "HF_TOKEN", " hf_env "));
        assertEquals(Optional.of("hf_env"), env.token());
        assertEquals("HF_TOKEN", env.tokenSource());
        assertFalse(env.toString().contains("hf_env"), "the token is never printed");
    }

    @Test
    void offlineAndEndpointAreReadAsHuggingfaceHubReadsThem() {
        for (String yes : new String[] {"1", "true", "YES", "on"}) {
            assertTrue(HfSettings.fromEnvironment(Map.of("HF_HUB_OFFLINE", yes, "HF_HOME", tmp.toString())).offline());
        }
        assertFalse(HfSettings.fromEnvironment(Map.of("HF_HUB_OFFLINE", "0", "HF_HOME", tmp.toString())).offline());
        HfSettings mirror = HfSettings.fromEnvironment(Map.of("HF_ENDPOINT", "https://hf-mirror.com/", "HF_HOME",
                tmp.toString()));
        assertEquals(URI.create("https://hf-mirror.com/org/name/resolve/refs%2Fpr%2F1/sub%20dir/f.gguf"),
                mirror.resolveUri(new HubFile("org/name", "sub dir/f.gguf", "refs/pr/1")));
        assertThrows(exo.InvalidInputException.class, () -> HfSettings.of(URI.create("ftp://x")));
    }

    @Test
    void backoffDoublesUpToItsCap() {
        RetryPolicy p = new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(5));
        assertEquals(Duration.ofSeconds(1), p.delay(1));
        assertEquals(Duration.ofSeconds(4), p.delay(3));
        assertEquals(Duration.ofSeconds(5), p.delay(4));
    }

    @Test
    void filesAndEtagsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> HubFile.main("no-slash", "f.gguf"));
        assertThrows(IllegalArgumentException.class, () -> HubFile.main("a/b", "../etc/passwd"));
        assertEquals("stories260K", HubFile.main("a/b", "tinyllamas/stories260K.gguf").stem());
        assertEquals("abc", RemoteFile.normalizeEtag("W/\"abc\""));
        assertThrows(IllegalArgumentException.class,
                () -> new RemoteFile(HubFile.main("a/b", "f.gguf"), "c", 1, "../x"));
        assertTrue(HfClient.sameOrigin(URI.create("https://huggingface.co/a"), URI.create("https://HuggingFace.co:443/b")));
        assertFalse(HfClient.sameOrigin(URI.create("https://huggingface.co/a"), URI.create("https://cdn-lfs.hf.co/b")));
    }
}
