/usr/bin/java -XX:+UseSerialGC -jar bench/target/squall-bench.jar memory --count 100000
