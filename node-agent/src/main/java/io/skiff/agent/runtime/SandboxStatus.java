package io.skiff.agent.runtime;

import java.util.Map;

/**
 * @param running true while the sandbox (its infra container) runs
 * @param ip the pod's IP, empty when it has none
 */
public record SandboxStatus(String id, String name, Map<String, String> labels, boolean running, String ip) {
}
