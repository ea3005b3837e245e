package io.dualwrite.mirror;

/**
 * The write against the non-authoritative store. Runs on a mirror thread (async mode) or on a mirror
 * thread the caller waits for (sync mode); it may block, and is abandoned when its time limit passes.
 */
@FunctionalInterface
public interface MirrorWork {
    void run() throws Exception;
}
