package io.skiff.cli.commands;

import io.skiff.api.v1.IssueCertificateRequest;
import io.skiff.api.v1.IssueCertificateResponse;
import io.skiff.cli.CliException;
import io.skiff.cli.DurationConverter;
import io.skiff.client.Endpoints;
import io.skiff.pki.CertificateAuthority;
import io.skiff.pki.KeyPairs;
import io.skiff.pki.Pem;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Client certificates for users, signed by the cluster CA. */
@Command(name = "certificate", header = "Issue client certificates for users.", synopsisSubcommandLabel = "COMMAND",
    subcommands = {CertificateCommand.Create.class})
public final class CertificateCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "create", header = "Make a key here and have the cluster CA sign a certificate for it.",
      description = {"", "The key never leaves this machine: a signing request for it goes to the masters "
          + "(Auth/IssueCertificate, which needs cluster-admin). Writes USER.crt, USER.key (readable by its "
          + "owner only) and ca.crt to --out-dir, and prints the `skiff config set-context` line that uses "
          + "them. The certificate names the user (CN) and the groups (O), as Kubernetes reads them. --role "
          + "also grants the user a role, in -n NAMESPACE or, without -n, everywhere."},
      footerHeading = "%nExamples:%n",
      footer = {"  skiff certificate create --user alice --group dev --role edit -n dev --out-dir ~/.skiff/alice"})
  static final class Create extends BaseCommand {
    @Option(names = "--user", required = true, paramLabel = "USER", description = "The user (the certificate's CN).")
    String user;

    @Option(names = "--group", paramLabel = "GROUP", description = "A group of the user (repeatable).")
    List<String> groups = new ArrayList<>();

    @Option(names = "--role", paramLabel = "ROLE",
        description = "cluster-admin, edit or view: granted to the user in -n NAMESPACE, or everywhere without -n.")
    String role;

    @Option(names = "--ttl", paramLabel = "DURATION", converter = DurationConverter.class,
        description = "How long the certificate is valid (default: 365 days).")
    Duration ttl;

    @Option(names = "--out-dir", required = true, paramLabel = "DIR", description = "Where to write the files.")
    Path outDir;

    @Override
    public Integer call() {
      RoleGrants.check(role);
      KeyPair pair = KeyPairs.generate();
      IssueCertificateRequest.Builder request = IssueCertificateRequest.newBuilder().setUser(user)
          .addAllGroups(groups).setCsrPem(Pem.encode(CertificateAuthority.request(pair, user)));
      if (ttl != null) {
        request.setTtl(com.google.protobuf.Duration.newBuilder().setSeconds(ttl.toSeconds()));
      }
      IssueCertificateResponse response = session().auth().issueCertificate(request.build());
      X509Certificate certificate = certificate(response.getCertificatePem(), "certificate");
      X509Certificate ca = certificate(response.getCaPem(), "CA certificate");
      if (!certificate.getPublicKey().equals(pair.getPublic())) {
        throw new CliException("the masters' certificate is not for the key made here; nothing written");
      }
      Path dir = outDir.toAbsolutePath().normalize();
      Path cert = dir.resolve(user + ".crt");
      Path key = dir.resolve(user + ".key");
      Path caFile = dir.resolve("ca.crt");
      try {
        Pem.writeSecret(key, Pem.encode(pair.getPrivate()));
        Pem.writePublic(cert, Pem.encode(certificate));
        Pem.writePublic(caFile, Pem.encode(ca));
      } catch (IOException e) {
        throw new CliException("cannot write the certificate files to " + dir + ": " + e.getMessage());
      }
      out().println("Certificate for user \"" + user + "\"" + (groups.isEmpty() ? "" : " in groups "
          + String.join(", ", groups)) + ", valid until " + certificate.getNotAfter().toInstant() + ": wrote "
          + cert + ", " + key + ", " + caFile + ".");
      out().println("Use it with: skiff config set-context " + user + " --endpoints="
          + Endpoints.format(session().endpoints()) + " --certificate-authority=" + caFile
          + " --client-certificate=" + cert + " --client-key=" + key);
      out().flush();
      if (role != null) {
        out().println(RoleGrants.grant(session(), role, root().namespaceFlag(), "certificate-" + RoleGrants.name(user),
            user));
      }
      return 0;
    }

    private static X509Certificate certificate(String pem, String what) {
      try {
        return Pem.certificate(pem);
      } catch (IllegalArgumentException e) {
        throw new CliException("the masters' answer holds no usable " + what + ": " + e.getMessage());
      }
    }
  }
}
