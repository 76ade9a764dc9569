package io.skiff.controlplane.api;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.skiff.api.v1.AuthGrpc;
import io.skiff.api.v1.CreateTokenRequest;
import io.skiff.api.v1.CreateTokenResponse;
import io.skiff.api.v1.IssueCertificateRequest;
import io.skiff.api.v1.IssueCertificateResponse;
import io.skiff.api.v1.JoinRequest;
import io.skiff.api.v1.JoinResponse;
import io.skiff.api.v1.ListTokensRequest;
import io.skiff.api.v1.ListTokensResponse;
import io.skiff.api.v1.RevokeTokenRequest;
import io.skiff.api.v1.Token;
import io.skiff.api.v1.WhoAmIRequest;
import io.skiff.api.v1.WhoAmIResponse;
import io.skiff.controlplane.auth.BearerToken;
import io.skiff.controlplane.auth.Identity;
import io.skiff.controlplane.auth.StoreTokens;
import io.skiff.controlplane.auth.TokenPurpose;
import io.skiff.controlplane.registry.ApiException;
import io.skiff.pki.CertificateAuthority;
import io.skiff.pki.CertificateSpec;
import io.skiff.pki.Pem;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * skiff.api.v1.Auth: bearer tokens (create, list, revoke), client certificates from the cluster CA,
 * joining with a join token, and who-am-I. Who may call what is the server's authorization's
 * business (cluster-admins for all but Join and WhoAmI); this service only needs an authenticated
 * caller in the context, and Join needs none, as it proves itself with its token.
 *
 * <p>Secrets — a new token's bearer, a server-made key, the CA's key — appear only in the answer
 * of the call that made or asked for them, never in logs or error messages. Thread-safe.
 */
public final class AuthService extends AuthGrpc.AuthImplBase {
  private static final Logger log = LoggerFactory.getLogger(AuthService.class);
  /** Every refused join token gets this, whatever was wrong with it: nothing to learn by probing. */
  static final String JOIN_REFUSED = "join refused: the join token is unknown, expired, revoked, or not a join token";
  static final String NO_CALLER = "no authenticated caller";
  private static final Set<TokenPurpose> JOIN_PURPOSES = EnumSet.of(TokenPurpose.JOIN_AGENT, TokenPurpose.JOIN_MASTER);

  private final StoreTokens tokens;
  private final CertificateAuthority ca;
  private final Clock clock;

  public AuthService(StoreTokens tokens, CertificateAuthority ca, Clock clock) {
    this.tokens = tokens;
    this.ca = ca;
    this.clock = clock;
  }

  @Override
  public void createToken(CreateTokenRequest request, StreamObserver<CreateTokenResponse> observer) {
    answer(observer, () -> {
      Identity caller = caller();
      AuthRequests.TokenOrder order = AuthRequests.token(request);
      StoreTokens.Created created = tokens.create(order.purpose(), order.user(), order.groups(), order.description(),
          order.ttl(), caller.user(), clock);
      Token token = created.token();
      log.info("{} created token {} (purpose {}, user \"{}\", groups {}, expires {})", caller.user(), token.getId(),
          token.getPurpose(), token.getUser(), token.getGroupsList(), order.ttl() == null ? "never"
              : "in " + order.ttl());
      return CreateTokenResponse.newBuilder().setToken(token).setBearer(created.bearer()).setCaCertHash(ca.hash())
          .build();
    });
  }

  @Override
  public void listTokens(ListTokensRequest request, StreamObserver<ListTokensResponse> observer) {
    answer(observer, () -> {
      caller();
      return ListTokensResponse.newBuilder().addAllTokens(tokens.list()).build();
    });
  }

  @Override
  public void revokeToken(RevokeTokenRequest request, StreamObserver<Token> observer) {
    answer(observer, () -> {
      Identity caller = caller();
      Token token = tokens.revoke(request.getId());
      log.info("{} revoked token {} (purpose {}, user \"{}\")", caller.user(), token.getId(), token.getPurpose(),
          token.getUser());
      return token;
    });
  }

  @Override
  public void issueCertificate(IssueCertificateRequest request, StreamObserver<IssueCertificateResponse> observer) {
    answer(observer, () -> {
      Identity caller = caller();
      CertificateSpec spec = AuthRequests.clientCertificate(request);
      IssueCertificateResponse.Builder response = IssueCertificateResponse.newBuilder()
          .setCaPem(Pem.encode(ca.certificate()));
      X509Certificate certificate;
      if (request.getCsrPem().isBlank()) {
        CertificateAuthority.Issued issued = ca.issue(spec);
        certificate = issued.certificate();
        response.setPrivateKeyPem(Pem.encode(issued.key()));
      } else {
        certificate = sign(AuthRequests.signingRequest(request.getCsrPem()), spec);
      }
      log.info("{} issued a client certificate for user \"{}\" (groups {}, {} key, valid until {})", caller.user(),
          spec.commonName(), spec.organizations(), request.getCsrPem().isBlank() ? "server-made" : "caller's",
          certificate.getNotAfter().toInstant());
      return response.setCertificatePem(Pem.encode(certificate)).build();
    });
  }

  @Override
  public void join(JoinRequest request, StreamObserver<JoinResponse> observer) {
    answer(observer, () -> {
      // the token first: a caller without a good one learns nothing, not even whether its name would do
      Token token = tokens.verify(request.getToken(), JOIN_PURPOSES, clock).orElseThrow(() -> {
        log.info("refused a join (token id {})", BearerToken.parse(request.getToken()).map(BearerToken::id)
            .orElse("unreadable"));
        return new ApiException(Status.Code.UNAUTHENTICATED, JOIN_REFUSED);
      });
      TokenPurpose purpose = TokenPurpose.parse(token.getPurpose()).orElseThrow();
      CertificateSpec spec = AuthRequests.joinCertificate(purpose, request);
      X509Certificate certificate = sign(AuthRequests.signingRequest(request.getCsrPem()), spec);
      JoinResponse.Builder response = JoinResponse.newBuilder().setCertificatePem(Pem.encode(certificate))
          .setCaPem(Pem.encode(ca.certificate()));
      if (purpose == TokenPurpose.JOIN_MASTER) {
        response.setCaKeyPem(Pem.encode(ca.key()));  // a master issues certificates too
      }
      log.info("{} joined with token {} ({}; names {}; valid until {})", spec.commonName(), token.getId(),
          purpose.wire(), spec.subjectAltNames(), certificate.getNotAfter().toInstant());
      return response.build();
    });
  }

  @Override
  public void whoAmI(WhoAmIRequest request, StreamObserver<WhoAmIResponse> observer) {
    answer(observer, () -> {
      Identity caller = caller();
      return WhoAmIResponse.newBuilder().setUser(caller.user()).addAllGroups(caller.groups())
          .setAuthenticatedBy(caller.authenticatedBy()).build();
    });
  }

  private X509Certificate sign(org.bouncycastle.pkcs.PKCS10CertificationRequest request, CertificateSpec spec) {
    try {
      return ca.sign(request, spec);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("csr_pem: " + e.getMessage());
    }
  }

  /**
   * The caller the server's authentication put in the context. Without one (a server wired without
   * authentication) the service refuses rather than act for nobody.
   */
  private static Identity caller() {
    return Identity.current().orElseThrow(() -> new ApiException(Status.Code.UNAUTHENTICATED, NO_CALLER));
  }

  /** Answers with what {@code call} returns, or its refusal as a gRPC status. */
  private static <T> void answer(StreamObserver<T> observer, Supplier<T> call) {
    T response;
    try {
      response = call.get();
    } catch (ApiException e) {
      observer.onError(e.toStatus());
      return;
    } catch (RuntimeException e) {
      log.error("Auth call failed", e);
      observer.onError(Status.INTERNAL.withDescription("internal error: " + e.getClass().getSimpleName())
          .asRuntimeException());
      return;
    }
    observer.onNext(response);
    observer.onCompleted();
  }
}
