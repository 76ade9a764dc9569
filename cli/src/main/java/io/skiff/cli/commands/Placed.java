package io.skiff.cli.commands;

import com.google.protobuf.Message;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.cli.manifest.Manifest;
import io.skiff.cli.manifest.ManifestException;
import java.util.ArrayList;
import java.util.List;

/**
 * A manifest's object with its namespace settled, as kubectl settles it: the
 * object's own, else -n, else the context's; an object whose namespace
 * differs from an explicit -n is an error; cluster-scoped objects have none.
 */
record Placed(Manifest manifest, Message object) {
  static List<Placed> all(List<Manifest> manifests, String namespaceFlag, String fallback) {
    List<Placed> placed = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Manifest m : manifests) {
      ObjectMeta meta = m.meta();
      String given = meta.getNamespace();
      if (!m.type().namespaced()) {
        placed.add(new Placed(m, Resources.withMeta(m.object(), meta.toBuilder().clearNamespace().build())));
        continue;
      }
      if (!given.isEmpty() && namespaceFlag != null && !namespaceFlag.equals(given)) {
        problems.add(m.label() + ": the object's namespace \"" + given + "\" does not match --namespace \""
            + namespaceFlag + "\"");
        continue;
      }
      String ns = given.isEmpty() ? fallback : given;
      placed.add(new Placed(m, Resources.withMeta(m.object(), meta.toBuilder().setNamespace(ns).build())));
    }
    if (!problems.isEmpty()) {
      throw new ManifestException(problems);
    }
    return placed;
  }

  ObjectMeta meta() {
    return Resources.meta(object);
  }
}
