package io.purefuse.worker.grpc;

import alluxio.grpc.GetServiceVersionPRequest;
import alluxio.grpc.GetServiceVersionPResponse;
import alluxio.grpc.ServiceType;
import alluxio.grpc.ServiceVersionClientServiceGrpc;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/**
 * {@code alluxio.grpc.version.ServiceVersionClientService}: Alluxio's client library asks a
 * server for the version of the service it is about to use right after connecting (before
 * login), and refuses a mismatch. This worker serves {@code BLOCK_WORKER_CLIENT_SERVICE} at
 * version {@value #BLOCK_WORKER_CLIENT_SERVICE_VERSION} (Alluxio's constant for it); other
 * service types are NOT_FOUND, {@code UNKNOWN_SERVICE} answers -1, as a stock server does.
 */
public final class ServiceVersionService extends ServiceVersionClientServiceGrpc.ServiceVersionClientServiceImplBase {
  /** Alluxio's {@code Constants.BLOCK_WORKER_CLIENT_SERVICE_VERSION}. */
  public static final long BLOCK_WORKER_CLIENT_SERVICE_VERSION = 1;

  @Override
  public void getServiceVersion(GetServiceVersionPRequest r, StreamObserver<GetServiceVersionPResponse> responses) {
    ServiceType t = r.getServiceType();
    long version;
    if (t == ServiceType.BLOCK_WORKER_CLIENT_SERVICE) {
      version = BLOCK_WORKER_CLIENT_SERVICE_VERSION;
    } else if (t == ServiceType.UNKNOWN_SERVICE) {
      version = -1;
    } else {
      responses.onError(Status.NOT_FOUND.withDescription("Service " + t + " is not found.").asRuntimeException());
      return;
    }
    responses.onNext(GetServiceVersionPResponse.newBuilder().setVersion(version).build());
    responses.onCompleted();
  }
}
