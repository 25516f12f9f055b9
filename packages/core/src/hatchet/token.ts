/** Hatchet tokens are JWTs that carry the engine's gRPC address; HATCHET_CLIENT_HOST_PORT overrides it. */
export function hostPortFromHatchetToken(token: string): string {
  try {
    const payload = token.split(".")[1] ?? "";
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as {
      grpc_broadcast_address?: string;
    };
    if (claims.grpc_broadcast_address) return claims.grpc_broadcast_address;
  } catch {
    // not a JWT: fall through to the error below
  }
  throw new Error("HATCHET_CLIENT_TOKEN carries no gRPC address; set HATCHET_CLIENT_HOST_PORT");
}
