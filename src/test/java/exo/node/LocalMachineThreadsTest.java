package exo.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The default thread count leaves room for the load the machine already has. */
class LocalMachineThreadsTest {
    @Test
    void anIdleMachineGetsEveryCoreABusyOneFewerAtLeastOne() {
        assertEquals(8, LocalMachine.threadsFor(8, 0.2));
        assertEquals(6, LocalMachine.threadsFor(8, 1.6));
        assertEquals(1, LocalMachine.threadsFor(2, 1.5));
        assertEquals(1, LocalMachine.threadsFor(2, 9.0));
        assertEquals(4, LocalMachine.threadsFor(4, -1), "no load figure: every core");
    }
}
