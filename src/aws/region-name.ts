/** The shape of an AWS region name (us-east-1, ap-southeast-2, us-gov-west-1): for `--regions` and for what ec2:DescribeRegions returns. */
export const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
