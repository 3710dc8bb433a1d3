/usr/lib/jvm/temurin-25-jdk-amd64/bin/java -jar bench/target/squall-bench.jar jmh -f 1 -wi 5 -w 1s -i 5 -r 1s -prof gc -rf json -rff bench/results/latest/jmh25.json
