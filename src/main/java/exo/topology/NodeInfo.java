package exo.topology;

import java.util.Objects;

/**
 * A node as others see it: a stable id (kept in the exo home directory), where its peer port
 * listens, and what it offers. The device name is the human name shown in plans.
 */
public record NodeInfo(String id, String host, int port, DeviceCapabilities device) {

    public NodeInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(device, "device");
        if (!id.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("node id '" + id + "' must be 1-64 letters, digits, '.', '_' or '-'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range");
        }
    }

    public String name() {
        return device.name();
    }

    public String address() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
