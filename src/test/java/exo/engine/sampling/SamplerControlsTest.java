package exo.engine.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Logit bias and log-probabilities, as OpenAI's logit_bias and logprobs/top_logprobs mean them. */
class SamplerControlsTest {
    private static float[] logits(long seed, int vocab) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] l = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            l[i] = (float) (r.nextGaussian() * 3);
        }
        return l;
    }

    @Test
    void aBiasOfMinusOneHundredBansATokenAndPlusOneHundredForcesOne() {
        float[] l = logits(1, 500);
        int best = Sampler.argmax(l);
        Sampler greedy = new Sampler(SamplingParams.GREEDY);
        assertEquals(best, greedy.sample(l, new int[0], 0));
        assertNotEquals(best, greedy.withLogitBias(Map.of(best, -100f)).sample(l, new int[0], 0));
        Sampler forced = new Sampler(new SamplingParams(1.0f, 0, 1f, 0f, 1f, 64, 3)).withLogitBias(Map.of(7, 100f));
        for (int i = 0; i < 50; i++) {
            assertEquals(7, forced.sample(logits(i, 500), new int[0], 0));
        }
        assertEquals(l[best], logits(1, 500)[best], "the caller's logits are not changed");
    }

    @Test
    void logprobsAreTheLogSoftmaxOfWhatWasSampledFrom() {
        float[] l = logits(2, 300);
        Sampler s = new Sampler(new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1f, 64, 5)).withLogprobs(5);
        int token = s.sample(l, new int[0], 0);
        Sampler.Choice c = s.lastChoice();
        assertEquals(token, c.token());
        double max = l[Sampler.argmax(l)];
        double z = 0;
        for (float v : l) {
            z += Math.exp(v - max);
        }
        assertEquals(l[token] - max - Math.log(z), c.logprob(), 1e-5);
        assertEquals(5, c.topTokens().length);
        assertEquals(Sampler.argmax(l), c.topTokens()[0]);
        for (int i = 1; i < 5; i++) {
            assertTrue(c.topLogprobs()[i] <= c.topLogprobs()[i - 1]);
        }
        double mass = 0;
        for (float lp : c.topLogprobs()) {
            mass += Math.exp(lp);
        }
        assertTrue(mass <= 1 + 1e-6 && mass > 0, "the top five hold part of the mass: " + mass);
        assertNull(new Sampler(SamplingParams.GREEDY).lastChoice(), "nothing recorded unless asked");
    }

    @Test
    void topLogprobsOutOfRangeIsBadInput() {
        org.junit.jupiter.api.Assertions.assertThrows(exo.InvalidInputException.class,
                () -> new Sampler(SamplingParams.GREEDY).withLogprobs(21));
    }
}
