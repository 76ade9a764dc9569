package io.skiff.controlplane.api;

import io.skiff.api.v1.CreateTokenRequest;
import io.skiff.api.v1.IssueCertificateRequest;
import io.skiff.api.v1.JoinRequest;
import io.skiff.controlplane.auth.Identity;
import io.skiff.controlplane.auth.IdentityNames;
import io.skiff.controlplane.auth.TokenPurpose;
import io.skiff.controlplane.registry.ApiException;
import io.skiff.controlplane.validation.FieldErrors;
import io.skiff.controlplane.validation.FieldPath;
import io.skiff.controlplane.validation.Names;
import io.skiff.pki.Addresses;
import io.skiff.pki.CertificateSpec;
import io.skiff.pki.Pem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.util.IPAddress;

/**
 * The Auth service's requests checked and turned into what they ask for, with Kubernetes-style
 * field errors ({@code user: Required value}); a bad request is an INVALID_ARGUMENT naming the field.
 */
final class AuthRequests {
  static final Duration JOIN_TOKEN_TTL = Duration.ofHours(24);
  static final Duration CERTIFICATE_TTL = CertificateSpec.DEFAULT_VALIDITY;
  static final int MAX_DESCRIPTION_LENGTH = 1024;
  /** A master's id, as the store's peer ids are written. */
  private static final Pattern MASTER_ID = Pattern.compile("[A-Za-z0-9._-]{1,63}");

  private AuthRequests() {
  }

  /** What a CreateToken asks for. */
  record TokenOrder(TokenPurpose purpose, String user, List<String> groups, String description, Duration ttl) {
  }

  static TokenOrder token(CreateTokenRequest request) {
    FieldErrors errors = new FieldErrors();
    TokenPurpose purpose = TokenPurpose.parse(request.getPurpose()).orElse(null);
    if (purpose == null) {
      if (request.getPurpose().isEmpty()) {
        errors.required(FieldPath.root("purpose"), "one of " + TokenPurpose.choices());
      } else {
        errors.notSupported(FieldPath.root("purpose"), request.getPurpose(),
            Stream.of(TokenPurpose.values()).map(TokenPurpose::wire).toList());
      }
    }
    List<String> groups = groups(request.getGroupsList(), errors);
    if (purpose == TokenPurpose.USER) {
      user(request.getUser(), errors);
      reserved(request.getUser(), groups, errors);
    } else if (purpose != null) {
      if (!request.getUser().isEmpty()) {
        errors.forbidden(FieldPath.root("user"), "a " + purpose.wire() + " token names no user: the joiner's "
            + "certificate names it");
      }
      if (!groups.isEmpty()) {
        errors.forbidden(FieldPath.root("groups"), "a " + purpose.wire() + " token carries no groups");
      }
    }
    if (request.getDescription().length() > MAX_DESCRIPTION_LENGTH) {
      errors.tooLong(FieldPath.root("description"), MAX_DESCRIPTION_LENGTH);
    }
    Duration ttl = ttl(request.hasTtl() ? request.getTtl() : null, errors);
    if (ttl == null && purpose != null && purpose.isJoin()) {
      ttl = JOIN_TOKEN_TTL;
    }
    throwIfAny(errors, "token request");
    return new TokenOrder(purpose, request.getUser(), groups, request.getDescription(), ttl);
  }

  /** The client certificate an IssueCertificate asks for. */
  static CertificateSpec clientCertificate(IssueCertificateRequest request) {
    FieldErrors errors = new FieldErrors();
    user(request.getUser(), errors);
    List<String> groups = groups(request.getGroupsList(), errors);
    reserved(request.getUser(), groups, errors);
    Duration ttl = ttl(request.hasTtl() ? request.getTtl() : null, errors);
    throwIfAny(errors, "certificate request");
    return CertificateSpec.client(request.getUser(), groups, ttl == null ? CERTIFICATE_TTL : ttl);
  }

  /**
   * The certificate a joiner gets: a node's ({@code system:node:NAME} in system:nodes) or a
   * master's ({@code system:master:ID} in system:masters), serving its addresses and authenticating
   * as a client.
   */
  static CertificateSpec joinCertificate(TokenPurpose purpose, JoinRequest request) {
    FieldErrors errors = new FieldErrors();
    FieldPath namePath = FieldPath.root("name");
    String name = request.getName();
    if (name.isEmpty()) {
      errors.required(namePath, purpose == TokenPurpose.JOIN_AGENT ? "the node's name" : "the master's id");
    } else if (purpose == TokenPurpose.JOIN_AGENT) {
      Names.dns1123Subdomain(name).forEach(problem -> errors.invalid(namePath, name, problem));
    } else if (!MASTER_ID.matcher(name).matches()) {
      errors.invalid(namePath, name, "a master's id is 1 to 63 letters, digits, '.', '_' or '-'");
    }
    List<String> sans = subjectAltNames(request.getAddressesList(), errors);
    if (purpose == TokenPurpose.JOIN_AGENT && request.getAddressesCount() == 0) {
      errors.required(FieldPath.root("addresses"), "the node's addresses and host names, which its certificate "
          + "serves (its logs port)");
    }
    throwIfAny(errors, "join request");
    return purpose == TokenPurpose.JOIN_AGENT
        ? CertificateSpec.peer(Identity.NODE_PREFIX + name, List.of(Identity.NODES_GROUP), sans, CERTIFICATE_TTL)
        : CertificateSpec.peer(Identity.MASTER_PREFIX + name, List.of(Identity.MASTERS_GROUP), sans, CERTIFICATE_TTL);
  }

  /** The signing request in {@code pem}; its signature is checked when the CA signs it. */
  static PKCS10CertificationRequest signingRequest(String pem) {
    if (pem.isBlank()) {
      throw ApiException.invalid("csr_pem: Required value: a PEM certificate signing request for the joiner's own key");
    }
    try {
      return Pem.certificationRequest(pem);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("csr_pem: " + e.getMessage());
    }
  }

  private static void user(String user, FieldErrors errors) {
    FieldPath path = FieldPath.root("user");
    if (user.isEmpty()) {
      errors.required(path, "the user the credential authenticates as");
      return;
    }
    IdentityNames.user(user).forEach(problem -> errors.invalid(path, user, problem));
  }

  private static List<String> groups(List<String> groups, FieldErrors errors) {
    Set<String> distinct = new LinkedHashSet<>();
    for (int i = 0; i < groups.size(); i++) {
      String group = groups.get(i);
      FieldPath path = FieldPath.root("groups").index(i);
      IdentityNames.group(group).forEach(problem -> errors.invalid(path, group, problem));
      if (!distinct.add(group)) {
        errors.duplicate(path, group);
      }
    }
    return List.copyOf(distinct);
  }

  private static void reserved(String user, List<String> groups, FieldErrors errors) {
    IdentityNames.reserved(user, groups).forEach(problem -> errors.forbidden(FieldPath.root("user"), problem));
  }

  /** The requested ttl; null when unset or zero (the caller's default). */
  private static Duration ttl(com.google.protobuf.Duration ttl, FieldErrors errors) {
    if (ttl == null) {
      return null;
    }
    Duration value = Duration.ofSeconds(ttl.getSeconds(), ttl.getNanos());
    if (value.isNegative()) {
      errors.invalid(FieldPath.root("ttl"), value.toString(), "must be positive, or unset for the default");
      return null;
    }
    return value.isZero() ? null : value;
  }

  /** Host names and IP literals, in the one spelling certificates compare; duplicates dropped. */
  private static List<String> subjectAltNames(List<String> addresses, FieldErrors errors) {
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < addresses.size(); i++) {
      String address = addresses.get(i);
      FieldPath path = FieldPath.root("addresses").index(i);
      if (IPAddress.isValid(address)) {  // a literal: parsed, never looked up
        names.add(Addresses.canonical(address));
        continue;
      }
      List<String> problems = new ArrayList<>(Names.dns1123Subdomain(address.toLowerCase(java.util.Locale.ROOT)));
      if (problems.isEmpty()) {
        names.add(address.toLowerCase(java.util.Locale.ROOT));
      } else {
        errors.invalid(path, address, "neither an IP address nor a DNS name: " + problems.get(0));
      }
    }
    return List.copyOf(names);
  }

  private static void throwIfAny(FieldErrors errors, String what) {
    if (!errors.isEmpty()) {
      throw ApiException.invalid("invalid " + what + ": " + String.join("; ", errors.messages()));
    }
  }
}
