/**
 * Step 3, the pipeline and the policy: the credential steps tried in order ({@link io.authgate.core.resolve.CredentialPipeline}), then the mode and the route's policy ({@code SessionPolicy}) turn the resolution into a {@link io.authgate.core.Decision}, with RFC 6750 / RFC 9470 challenges. Internal.
 */
package io.authgate.core.resolve;
