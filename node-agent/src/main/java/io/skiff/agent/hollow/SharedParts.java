package io.skiff.agent.hollow;

import io.skiff.agent.MasterApi;
import io.skiff.agent.threads.AgentThreads;
import io.skiff.client.events.EventRecorder;

/**
 * What the hollow nodes of one JVM share.
 *
 * @param api calls to the masters, over one channel
 * @param threads the pools every node's parts run on
 * @param serverPort where the one server for all their pods' logs listens
 * @param events the Event recorder whose writer they all record through, each as its own host
 */
record SharedParts(MasterApi api, AgentThreads threads, int serverPort, EventRecorder events) {
}
