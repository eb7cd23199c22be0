package io.pv2hvm.aws;

/**
 * A worker image in the user's account: the default worker image with the conversion tools
 * installed, tagged {@code pv2hvm:role=worker-image}. Workers launched from it need no package
 * mirror, only a route to the SSM endpoints. Made or found by {@link AwsSteps#prepareWorkerImage()}.
 *
 * @param imageId     the AMI
 * @param name        its name
 * @param baseImageId the image it was built from
 * @param reused      true when an existing tagged image was found and nothing was built
 */
public record WorkerImage(String imageId, String name, String baseImageId, boolean reused) {
}
