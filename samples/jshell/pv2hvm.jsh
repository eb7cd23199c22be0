// pv2hvm in JShell: the fluent API, connected to the sandbox emulator (default) or to real AWS.
//
//   ./pv2hvm --version        # builds samples/target/pv2hvm-cli.jar once
//   jshell --class-path samples/target/pv2hvm-cli.jar samples/jshell/pv2hvm.jsh
//
// PV2HVM_TARGET=aws connects to AWS instead (region and credentials from the default chains,
// AWS_PROFILE / AWS_REGION as usual; PV2HVM_WORKER_PROFILE names the worker's instance profile, whose
// role needs AmazonSSMManagedInstanceCore). PV2HVM_TIME_SCALE sets the emulator's speed (default 0.01).

import io.pv2hvm.core.*;
import io.pv2hvm.core.journal.*;
import io.pv2hvm.core.guest.*;
import io.pv2hvm.aws.*;
import io.pv2hvm.samples.sandbox.*;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;

boolean onAws = "aws".equalsIgnoreCase(System.getenv().getOrDefault("PV2HVM_TARGET", "sandbox"));
double timeScale = Double.parseDouble(System.getenv().getOrDefault("PV2HVM_TIME_SCALE", "0.01"));
Sandbox sandbox = null;
Ec2Client ec2 = null;
SsmClient ssm = null;
AwsSteps aws = null;
/** The PV web server of the sandbox (null on AWS: use your own instance id). */
String demo = null;
if (onAws) {
    ec2 = Ec2Client.create();
    ssm = SsmClient.create();
    AwsSteps.Builder awsBuilder = AwsSteps.builder().ec2(ec2).ssm(ssm);
    if (System.getenv("PV2HVM_WORKER_PROFILE") != null) {
        awsBuilder.workerInstanceProfile(System.getenv("PV2HVM_WORKER_PROFILE"));
    }
    aws = awsBuilder.build();
    System.out.println("pv2hvm: connected to AWS (" + ec2.serviceClientConfiguration().region() + ").");
} else {
    sandbox = Sandbox.start(GuestMode.SIMULATED, timeScale);
    ec2 = sandbox.ec2();
    ssm = sandbox.ssm();
    aws = sandbox.steps();
    demo = SandboxWorld.SOURCE;
    System.out.println("pv2hvm: sandbox emulator at " + sandbox.emulator().endpoint() + "; the guest is simulated.");
}

/** A migration of {@code instanceId} with the connected provider; journaled in memory on the sandbox. */
MigrationSpec migrate(String instanceId) {
    MigrationSpec spec = Migration.of(instanceId).toHvm().withProvider(aws);
    return onAws ? spec : spec.withJournal(InMemoryJournal.create());
}

/** The instance's virtualization type, as EC2 reports it now. */
String virtualization(String instanceId) {
    return ec2.describeInstances(b -> b.instanceIds(instanceId)).reservations().get(0).instances().get(0)
            .virtualizationTypeAsString();
}

System.out.println("Try:  migrate(demo).preservingIps().plan().toText()");
System.out.println("      var r = migrate(demo).preservingIps().run();  r.toText();  virtualization(r.newInstanceId())");
