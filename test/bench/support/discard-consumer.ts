// The broker ceiling's consumer: takes every imu message through a shared subscription, acknowledges it at once and
// throws it away, printing how many it has taken every 250 ms. Run as its own process, like ingest.
import mqtt from 'mqtt';

const [brokerUrl, username, password] = process.argv.slice(2) as [string, string, string];
const client = await mqtt.connectAsync(brokerUrl, {
  clientId: `bench-discard-${process.pid}`,
  username,
  password,
  protocolVersion: 5,
  clean: true,
  properties: { receiveMaximum: 1000 },
});
let received = 0;
client.on('message', () => {
  received++;
});
await client.subscribeAsync('$share/bench-discard/restpose/v1/devices/+/imu', { qos: 1 });
process.stdout.write('ready\n');
setInterval(() => process.stdout.write(`${received}\n`), 250);
process.on('SIGTERM', () => {
  void client.endAsync(true).finally(() => process.exit(0));
});
