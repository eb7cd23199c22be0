package io.pv2hvm.testkit.internal.ec2;

import io.pv2hvm.testkit.internal.http.QueryParams;
import io.pv2hvm.testkit.internal.xml.XmlWriter;

/** One EC2 Query action: reads the parameters, changes the model, writes the response body. */
@FunctionalInterface
interface Ec2Action {
    void handle(QueryParams params, XmlWriter out);
}
