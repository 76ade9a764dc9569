package io.skiff.cli.commands;

import io.skiff.client.ResourceType;
import io.skiff.client.ResourceTypes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Resource type names for shell completion: every resource and short name. */
final class TypeNames implements Iterable<String> {
  @Override
  public Iterator<String> iterator() {
    List<String> names = new ArrayList<>();
    for (ResourceType<?> type : ResourceTypes.ALL) {
      names.add(type.resource());
      names.addAll(type.shortNames());
    }
    return names.iterator();
  }
}
