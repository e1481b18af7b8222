package exo.topology;

/** A machine's place in the ring: the head embeds tokens, the tail samples them. */
public enum Role {
    HEAD("head"), MIDDLE("middle"), TAIL("tail"), HEAD_AND_TAIL("head+tail");

    private final String label;

    Role(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    static Role of(int position, int ringSize) {
        if (ringSize == 1) {
            return HEAD_AND_TAIL;
        }
        if (position == 0) {
            return HEAD;
        }
        return position == ringSize - 1 ? TAIL : MIDDLE;
    }
}
