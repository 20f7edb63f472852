package dev.aio4j.samples;

/** Runs every sample in order, each under a heading. */
public final class Tour {
    private Tour() {}

    public static void main(String[] args) throws Exception {
        System.out.println("aio4j tour");
    }
}
