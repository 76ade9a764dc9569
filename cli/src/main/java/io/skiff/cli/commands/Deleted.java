package io.skiff.cli.commands;

import io.skiff.client.ResourceType;

/** An object a command asked to delete: gone once its name is free or taken by another uid. */
record Deleted(ResourceType<?> type, String namespace, String name, String uid) {
}
